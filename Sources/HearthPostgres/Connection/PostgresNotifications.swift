import CLibPQ
import Synchronization

/// A `NOTIFY` received on a channel the listener subscribed to.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The backend process that sent it.
    public var senderPID: Int32
}

extension PostgresConnection {
    /// Sends a notification (`pg_notify`), delivered to listeners when the current transaction commits.
    public func notify(channel: String, payload: String = "") async throws(PostgresError) {
        try await query("SELECT pg_notify(\(channel), \(payload))")
    }

    /// Subscribes to channels and turns this connection into a stream of their notifications.
    ///
    /// The connection is dedicated to listening from then on: keep it out of any pool. The stream
    /// ends with ``PostgresError/Code/connectionLost`` if the server goes away; when the consumer
    /// stops iterating, the connection is closed.
    public func notifications(channels: [String]) async throws(PostgresError) -> AsyncThrowingStream<
        PostgresNotification, any Error
    > {
        for channel in channels {
            let quoted = try await withHandle { handle throws(PostgresError) -> String in
                guard let escaped = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
                    throw Self.connectionError(handle)
                }
                defer { PQfreemem(escaped) }
                return String(cString: escaped)
            }
            try await executeScript("LISTEN \(quoted)")
        }
        let (stream, continuation) = AsyncThrowingStream<PostgresNotification, any Error>.makeStream()
        let stopped = StopFlag()
        continuation.onTermination = { _ in stopped.stop() }
        Task { [self] in
            let outcome = await Result { () async throws(PostgresError) in
                try await withHandle { handle throws(PostgresError) in
                    try Self.pumpNotifications(handle, into: continuation, until: stopped)
                }
            }
            await close()
            continuation.finish(throwing: outcome.failure)
        }
        return stream
    }

    private static func pumpNotifications(
        _ handle: OpaquePointer,
        into continuation: AsyncThrowingStream<PostgresNotification, any Error>.Continuation,
        until stopped: StopFlag
    ) throws(PostgresError) {
        while !stopped.isStopped {
            try waitForSocket(handle, writable: false, timeoutMilliseconds: 100)
            guard PQconsumeInput(handle) == 1 else { throw connectionError(handle) }
            while let notice = PQnotifies(handle) {
                let notification = PostgresNotification(
                    channel: String(cString: notice.pointee.relname),
                    payload: String(cString: notice.pointee.extra),
                    senderPID: notice.pointee.be_pid)
                PQfreemem(notice)
                continuation.yield(notification)
            }
        }
    }
}

private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func stop() { flag.store(true, ordering: .relaxed) }
    var isStopped: Bool { flag.load(ordering: .relaxed) }
}

extension Result {
    fileprivate init(catching body: () async throws(Failure) -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }

    fileprivate var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
