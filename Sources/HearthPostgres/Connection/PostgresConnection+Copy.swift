import CLibPQ

extension PostgresConnection {
    /// Streams rows into `COPY … FROM STDIN` (text format) in constant memory.
    ///
    /// `body` writes rows through the ``PostgresCopyWriter``; it sends a chunk whenever about
    /// 64 KiB are buffered. If `body` throws, the COPY is aborted on the server (no row lands) and
    /// the error is rethrown. Returns the number of rows the server stored.
    ///
    ///     try await connection.copyIn("COPY members (tenant_id, display_name) FROM STDIN") { writer in
    ///         for member in members {
    ///             writer.field(member.tenant)
    ///             writer.field(member.name)
    ///             try await writer.endRow()
    ///         }
    ///     }
    @discardableResult
    public func copyIn(
        _ statement: String,
        _ body: (PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        try await withHandle { handle throws(PostgresError) in
            guard let raw = PQexec(handle, statement) else { throw Self.connectionError(handle) }
            let result = PostgresResult(raw)
            guard result.status == PGRES_COPY_IN else {
                if result.status == PGRES_FATAL_ERROR {
                    throw result.error(connectionBroken: PQstatus(handle) != CONNECTION_OK)
                }
                throw PostgresError(code: .invalidStatement, message: "the statement is not COPY … FROM STDIN")
            }
        }
        let writer = PostgresCopyWriter(connection: self)
        do {
            try await body(writer)
            try await writer.finish()
        } catch {
            await writer.abandon()
            let message = "aborted by the client: \(error)"
            _ = try? await withHandle { handle throws(PostgresError) in
                _ = PQputCopyEnd(handle, message)
                Self.drainResults(handle)
            }
            throw error
        }
        return try await withHandle { handle throws(PostgresError) in
            guard PQputCopyEnd(handle, nil) == 1 else { throw Self.connectionError(handle) }
            var firstError: PostgresError?
            var stored = 0
            while let raw = PQgetResult(handle) {
                let result = PostgresResult(raw)
                if result.status == PGRES_COMMAND_OK {
                    stored = result.rows().affectedRows
                } else if firstError == nil {
                    firstError = result.error(connectionBroken: PQstatus(handle) != CONNECTION_OK)
                }
            }
            if let firstError { throw firstError }
            return stored
        }
    }

    /// Sends one chunk of COPY data (called by the writer).
    func sendCopyData(_ chunk: [UInt8]) async throws(PostgresError) {
        try await withHandle { handle throws(PostgresError) in
            let sent = chunk.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else { throw Self.connectionError(handle) }
        }
    }

    static func drainResults(_ handle: OpaquePointer) {
        while let raw = PQgetResult(handle) { PQclear(raw) }
    }
}

/// Builds COPY text-format rows: fields separated by tabs, rows by newlines, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped. Strings are written as UTF-8 bytes.
///
/// Chunks are double-buffered: while one is being sent on the connection's thread, the caller
/// already fills the next, so encoding and sending overlap and memory stays at two chunks.
public final class PostgresCopyWriter {
    private let connection: PostgresConnection
    private var buffer: [UInt8] = []
    private var fieldsInRow = 0
    private var inFlight: Task<Void, any Error>?
    /// Rows written so far (including any still buffered).
    public private(set) var rowCount = 0
    static let chunkSize = 256 * 1024

    init(connection: PostgresConnection) {
        self.connection = connection
        buffer.reserveCapacity(Self.chunkSize + 4096)
    }

    private func separate() {
        if fieldsInRow > 0 { buffer.append(UInt8(ascii: "\t")) }
        fieldsInRow += 1
    }

    /// Appends a text field; `nil` is NULL.
    public func field(_ value: String?) {
        separate()
        guard let value else {
            buffer.append(UInt8(ascii: "\\"))
            buffer.append(UInt8(ascii: "N"))
            return
        }
        var text = value
        text.withUTF8 { bytes in
            // Most fields need no escaping: copy them in one go.
            guard bytes.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else {
                buffer.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case 0x5C:
                    buffer.append(0x5C)
                    buffer.append(0x5C)  // backslash
                case 0x09:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "t"))
                case 0x0A:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "n"))
                case 0x0D:
                    buffer.append(0x5C)
                    buffer.append(UInt8(ascii: "r"))
                default: buffer.append(byte)
                }
            }
        }
    }

    /// Appends an integer field.
    public func field(_ value: Int?) {
        guard let value else { return field(nil as String?) }
        separate()
        if value == 0 {
            buffer.append(UInt8(ascii: "0"))
            return
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        while magnitude > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        buffer[start...].reverse()
    }

    /// Appends a field from any value's text form (UUIDs, numbers, …).
    public func field(_ value: (some CustomStringConvertible)?) {
        field(value.map { $0.description })
    }

    /// Ends the row; hands a chunk to the sender when enough is buffered.
    public func endRow() async throws {
        buffer.append(UInt8(ascii: "\n"))
        fieldsInRow = 0
        rowCount += 1
        if buffer.count >= Self.chunkSize { try await flush() }
    }

    /// Appends a whole row of text fields and ends it.
    public func row(_ fields: [String?]) async throws {
        for value in fields { field(value) }
        try await endRow()
    }

    /// Waits for the chunk in flight, then starts sending what is buffered.
    public func flush() async throws {
        guard !buffer.isEmpty else { return }
        try await inFlight?.value
        let chunk = buffer
        buffer = []
        buffer.reserveCapacity(Self.chunkSize + 4096)
        let connection = self.connection
        inFlight = Task { try await connection.sendCopyData(chunk) }
    }

    /// Sends the rest and waits until every chunk is with libpq.
    func finish() async throws {
        try await flush()
        try await inFlight?.value
        inFlight = nil
    }

    /// Lets a chunk in flight land before the COPY is aborted, so the abort comes after it.
    func abandon() async {
        _ = try? await inFlight?.value
        inFlight = nil
    }
}
