import CLibPQ
import Dispatch
import Foundation
public import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection, living on a serial dispatch queue of its own.
///
/// Every blocking libpq call runs on that queue, never on the Swift cooperative pool, so a slow
/// query stalls only its own connection. A connection runs one operation at a time; use a
/// ``PostgresPool`` to share several among tasks. Cancelling the calling task cancels the running
/// statement on the server (`PQcancel`), which then fails with ``PostgresError/Code/queryCanceled``.
public final class PostgresConnection: @unchecked Sendable {
    /// Identifies the connection in logs.
    public let id: Int
    let logger: Logger
    let queue: DispatchQueue
    /// Touched only on `queue` (and in `deinit`, when no one else can).
    private var handle: OpaquePointer?
    private let cancelHandle: OpaquePointer?
    private let notices: NoticeRouter
    private let activity = Mutex(Activity())
    private let broken = Atomic<Bool>(false)

    private struct Activity {
        var nextOperation: UInt64 = 0
        var running: UInt64?
        var cancelledBeforeStart: UInt64?
    }

    private static let ids = Atomic<Int>(0)

    private init(handle: OpaquePointer, queue: DispatchQueue, id: Int, logger: Logger) {
        self.handle = handle
        self.queue = queue
        self.id = id
        self.logger = logger
        self.cancelHandle = PQgetCancel(handle)
        self.notices = NoticeRouter(logger: logger)
        PQsetNoticeReceiver(handle, noticeReceiver, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit {
        if let handle { PQfinish(handle) }
        if let cancelHandle { PQfreeCancel(cancelHandle) }
    }

    /// Opens a connection. Fails with ``PostgresError/Code/connectionFailed`` when the server cannot
    /// be reached or refuses the login.
    public static func connect(
        configuration: PostgresConfiguration,
        logger: Logger = Logger(label: "hearth.postgres")
    ) async throws(PostgresError) -> PostgresConnection {
        let id = ids.add(1, ordering: .relaxed).newValue
        var logger = logger
        logger[metadataKey: "db.connection"] = "\(id)"
        let queue = DispatchQueue(label: "hearth.postgres.connection.\(id)")
        let parameters = configuration.connectionParameters
        let redacted = configuration.redactedURL
        let connectionLogger = logger
        let connection: Result<PostgresConnection, PostgresError> = await withCheckedContinuation { continuation in
            queue.async {
                let handle = withCStringArrays(parameters) { keywords, values in
                    PQconnectdbParams(keywords, values, 1)
                }
                guard let handle else {
                    continuation.resume(
                        returning: .failure(
                            PostgresError(
                                code: .connectionFailed, message: "could not allocate a libpq connection")))
                    return
                }
                guard PQstatus(handle) == CONNECTION_OK else {
                    let message = PQerrorMessage(handle).map { String(cString: $0).trimmed } ?? "unknown error"
                    PQfinish(handle)
                    continuation.resume(
                        returning: .failure(
                            PostgresError(
                                code: .connectionFailed,
                                message: "cannot connect to PostgreSQL at \(redacted): \(message)",
                                hint: "Check that PostgreSQL is running (scripts/pg start) and the URL is right.")))
                    return
                }
                continuation.resume(
                    returning: .success(
                        PostgresConnection(handle: handle, queue: queue, id: id, logger: connectionLogger)))
            }
        }
        return try connection.get()
    }

    /// True once the connection has failed at the socket level; a pool then discards it.
    public var isBroken: Bool { broken.load(ordering: .relaxed) }

    /// Runs `work` with the raw handle on the connection's queue, wiring task cancellation to `PQcancel`.
    func withHandle<T: Sendable>(
        _ work: @escaping @Sendable (OpaquePointer) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let operation = activity.withLock { state -> UInt64 in
            state.nextOperation += 1
            return state.nextOperation
        }
        let result: Result<T, PostgresError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                queue.async { [self] in
                    let cancelledEarly = activity.withLock { state -> Bool in
                        if state.cancelledBeforeStart == operation { return true }
                        state.running = operation
                        return false
                    }
                    guard !cancelledEarly else {
                        continuation.resume(
                            returning: .failure(
                                PostgresError(
                                    code: .queryCanceled, message: "the statement was cancelled before it started")))
                        return
                    }
                    defer { activity.withLock { $0.running = nil } }
                    guard let handle else {
                        continuation.resume(
                            returning: .failure(
                                PostgresError(
                                    code: .connectionLost, message: "the connection is closed")))
                        return
                    }
                    let outcome = Result { () throws(PostgresError) -> T in try work(handle) }
                    if PQstatus(handle) != CONNECTION_OK { broken.store(true, ordering: .relaxed) }
                    continuation.resume(returning: outcome)
                }
            }
        } onCancel: {
            activity.withLock { state in
                if state.running == operation {
                    requestServerCancel()
                } else {
                    state.cancelledBeforeStart = operation
                }
            }
        }
        return try result.get()
    }

    /// Asks the server to cancel whatever this connection is running. Safe from any thread.
    private func requestServerCancel() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        if PQcancel(cancelHandle, &buffer, Int32(buffer.count)) == 0 {
            let message = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            logger.warning("could not send a cancel request", metadata: ["error": "\(message)"])
        }
    }

    /// Runs one parameterised statement and returns its rows (binary results).
    @discardableResult
    public func query(_ query: PostgresQuery) async throws(PostgresError) -> PostgresRows {
        try await withHandle { handle throws(PostgresError) in
            try Self.execute(query, on: handle)
        }
    }

    /// Runs trusted SQL text that may hold several statements and no parameters (migrations only).
    /// Never pass text built from input here: use ``query(_:)``.
    public func executeScript(_ sql: String) async throws(PostgresError) {
        try await withHandle { handle throws(PostgresError) in
            guard let raw = PQexec(handle, sql) else { throw Self.connectionError(handle) }
            let result = PostgresResult(raw)
            switch result.status {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
            default: throw result.error(connectionBroken: PQstatus(handle) != CONNECTION_OK)
            }
        }
    }

    /// Whether the connection still talks to a live server, checked cheaply: an idle connection's
    /// socket has nothing to read unless the server sent something on its own — usually a FATAL
    /// "terminating connection" and end-of-file after a restart. Only then is a round trip made.
    public func checkAlive() async -> Bool {
        guard !isBroken else { return false }
        let alive = try? await withHandle { handle -> Bool in
            guard PQstatus(handle) == CONNECTION_OK else { return false }
            let socket = PQsocket(handle)
            guard socket >= 0 else { return false }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }  // nothing pending: healthy
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK,
                let raw = PQexec(handle, "")
            else { return false }
            let result = PostgresResult(raw)
            return result.status == PGRES_EMPTY_QUERY && PQstatus(handle) == CONNECTION_OK
        }
        return alive ?? false
    }

    /// Closes the connection; later calls fail with ``PostgresError/Code/connectionLost``.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                if let handle {
                    PQfinish(handle)
                    self.handle = nil
                }
                broken.store(true, ordering: .relaxed)
                continuation.resume()
            }
        }
    }

    // MARK: - On the connection's queue

    static func execute(_ query: PostgresQuery, on handle: OpaquePointer) throws(PostgresError) -> PostgresRows {
        guard query.binds.count <= Int(UInt16.max) else {
            throw PostgresError(
                code: .invalidStatement, message: "a statement may have at most 65535 parameters; batch it")
        }
        let raw = withParameterPointers(query.binds) { count, types, values, lengths, formats in
            PQexecParams(handle, query.sql, count, types, values, lengths, formats, 1)
        }
        guard let raw else { throw connectionError(handle) }
        let result = PostgresResult(raw)
        switch result.status {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return result.rows()
        default:
            throw result.error(connectionBroken: PQstatus(handle) != CONNECTION_OK)
        }
    }

    static func connectionError(_ handle: OpaquePointer) -> PostgresError {
        let message = PQerrorMessage(handle).map { String(cString: $0).trimmed } ?? "unknown error"
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(code: lost ? .connectionLost : .server, message: message.isEmpty ? "no result" : message)
    }
}

/// Calls `body` with C arrays of keywords and values, NUL-terminated as `PQconnectdbParams` wants.
private func withCStringArrays<R>(
    _ pairs: [(String, String)],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> R
) -> R {
    let keywords = pairs.map { strdup($0.0) }
    let values = pairs.map { strdup($0.1) }
    defer {
        for keyword in keywords { free(keyword) }
        for value in values { free(value) }
    }
    let keywordPointers: [UnsafePointer<CChar>?] = keywords.map { $0.map { UnsafePointer($0) } } + [nil]
    let valuePointers: [UnsafePointer<CChar>?] = values.map { $0.map { UnsafePointer($0) } } + [nil]
    return keywordPointers.withUnsafeBufferPointer { k in
        valuePointers.withUnsafeBufferPointer { v in body(k.baseAddress!, v.baseAddress!) }
    }
}

/// Lays every parameter into one buffer and calls `body` with libpq's parallel arrays, all valid
/// only inside the call.
func withParameterPointers<R>(
    _ binds: [PostgresBind],
    _ body: (
        Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?
    ) -> R
) -> R {
    var storage: [UInt8] = []
    var offsets: [Int?] = []
    offsets.reserveCapacity(binds.count)
    for bind in binds {
        if let bytes = bind.bytes {
            offsets.append(storage.count)
            storage.append(contentsOf: bytes)
            storage.append(0)  // text-format values are read as C strings
        } else {
            offsets.append(nil)
        }
    }
    storage.append(0)
    let types = binds.map { Oid($0.type.rawValue) }
    let lengths = binds.map { Int32($0.bytes?.count ?? 0) }
    let formats = binds.map { $0.format.rawValue }
    return storage.withUnsafeBytes { buffer in
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        let values: [UnsafePointer<CChar>?] = offsets.map { $0.map { UnsafePointer(base + $0) } }
        return types.withUnsafeBufferPointer { types in
            values.withUnsafeBufferPointer { values in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        body(
                            Int32(binds.count), types.baseAddress, values.baseAddress, lengths.baseAddress,
                            formats.baseAddress)
                    }
                }
            }
        }
    }
}

extension PostgresConnection {
    /// Makes a returned connection safe to hand to someone else: a transaction left open by an
    /// aborted caller is rolled back. Returns false when the connection should be discarded.
    func resetForReuse() async -> Bool {
        guard !isBroken else { return false }
        let clean = try? await withHandle { handle -> Bool in
            switch PQtransactionStatus(handle) {
            case PQTRANS_IDLE:
                return true
            case PQTRANS_INTRANS, PQTRANS_INERROR:
                guard let raw = PQexec(handle, "ROLLBACK") else { return false }
                let result = PostgresResult(raw)
                return result.status == PGRES_COMMAND_OK
            default:
                return false
            }
        }
        return clean ?? false
    }
}
