public import Logging
import Synchronization

/// A bounded set of connections shared by many tasks.
///
/// A lease hands out an idle connection after checking that its socket is still alive, or opens a
/// new one while fewer than the maximum exist, or waits. Connections that broke, or were returned
/// inside a transaction they did not finish, are discarded; the next lease opens a fresh one, and
/// keeps retrying while the server restarts until the lease timeout runs out. So after a PostgreSQL
/// restart the first query fails at most once, for the caller whose statement was in flight.
public final class PostgresPool: Sendable {
    public let configuration: PostgresPoolConfiguration
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections that exist or are being opened; never more than the maximum.
        var open = 0
        var leased = 0
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Grant, any Error>
    }

    /// What a lease was given: a connection to reuse, or a slot to open one in.
    private enum Grant: Sendable {
        case reuse(PostgresConnection)
        case open
    }

    /// A snapshot of the pool's usage, for metrics.
    public struct Usage: Sendable, Hashable {
        public var idle: Int
        public var leased: Int
        public var open: Int
        public var waiting: Int
    }

    public init(configuration: PostgresPoolConfiguration, logger: Logger = Logger(label: "hearth.postgres.pool")) {
        self.configuration = configuration
        self.logger = logger
    }

    public var usage: Usage {
        state.withLock { Usage(idle: $0.idle.count, leased: $0.leased, open: $0.open, waiting: $0.waiters.count) }
    }

    /// Opens the minimum number of connections now, so the first requests do not pay for them.
    public func prewarm() async throws {
        var leases: [PostgresConnection] = []
        defer { for connection in leases { release(connection) } }
        for _ in 0..<configuration.minimumConnections {
            leases.append(try await lease())
        }
    }

    /// Runs `body` with a connection leased for its duration.
    @discardableResult
    public func withConnection<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await lease()
        do {
            let value = try await body(connection)
            await returnToPool(connection)
            return value
        } catch {
            await returnToPool(connection)
            throw error
        }
    }

    /// Runs one statement on any connection.
    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs `body` in a transaction, running it again (up to `maxAttempts` times in all, with a short
    /// random pause) when it fails with a serialization failure or deadlock. `body` must therefore
    /// have no effects outside the database.
    @discardableResult
    public func withTransaction<T>(
        isolation: PostgresIsolation = .readCommitted,
        maxAttempts: Int = 5,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await connection.withTransaction(isolation: isolation) { try await body($0) }
                }
            } catch let error as PostgresError where error.isTransient && attempt < maxAttempts {
                logger.debug(
                    "retrying transaction", metadata: ["attempt": "\(attempt)", "error": "\(error.code)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt))))
                attempt += 1
            }
        }
    }

    /// Closes idle connections and refuses new leases; leased ones close when returned.
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
        for connection in idle { await connection.close() }
    }

    // MARK: - Leasing

    private static let closedError = PostgresError(code: .poolClosed, message: "the database pool is shut down")

    func lease() async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + configuration.leaseTimeout
        var grant = try await acquireGrant(deadline: deadline)
        while true {
            switch grant {
            case .reuse(let connection):
                if await connection.checkAlive() { return connection }
                logger.info("discarding a dead database connection", metadata: ["db.connection": "\(connection.id)"])
                await connection.close()
                grant = .open
            case .open:
                do {
                    return try await openConnection(deadline: deadline)
                } catch {
                    freeSlot()
                    throw error
                }
            }
        }
    }

    /// Takes an idle connection or a free slot at once, or queues until one is released, the lease
    /// times out or the task is cancelled. Deciding and queueing happen under one lock, so a release
    /// can never slip between them unnoticed.
    private func acquireGrant(deadline: ContinuousClock.Instant) async throws -> Grant {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeout = configuration.leaseTimeout
        let maximum = configuration.maximumConnections
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let immediate = state.withLock { state -> Result<Grant, PostgresError>? in
                    if state.closed { return .failure(Self.closedError) }
                    if let connection = state.idle.popLast() {
                        state.leased += 1
                        return .success(.reuse(connection))
                    }
                    if state.open < maximum {
                        state.open += 1
                        state.leased += 1
                        return .success(.open)
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate {
                    continuation.resume(with: immediate)
                    return
                }
                Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    self?.failWaiter(
                        id,
                        with: PostgresError(
                            code: .leaseTimeout,
                            message: "no database connection became free within \(timeout) (all \(maximum) in use)",
                            hint: "Raise HEARTH_DB_POOL_MAX or look for slow statements holding connections."))
                }
            }
        } onCancel: {
            failWaiter(id, with: CancellationError())
        }
    }

    private func failWaiter(_ id: UInt64, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Opens a connection for a reserved slot, retrying with backoff while the server is down.
    private func openConnection(deadline: ContinuousClock.Instant) async throws -> PostgresConnection {
        var pause = Duration.milliseconds(50)
        while true {
            do {
                return try await PostgresConnection.connect(configuration: configuration.connection, logger: logger)
            } catch {
                let wake = ContinuousClock.now + pause
                guard wake < deadline, error.code == .connectionFailed else { throw error }
                logger.debug("database not reachable yet; retrying", metadata: ["error": "\(error.message)"])
                try await Task.sleep(until: wake, clock: .continuous)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }

    /// Gives a slot whose connection could not be opened back, or to the next waiter.
    private func freeSlot() {
        let waiter = state.withLock { state -> Waiter? in
            state.leased -= 1
            if !state.closed, !state.waiters.isEmpty {
                state.leased += 1
                return state.waiters.removeFirst()
            }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: .open)
    }

    private func returnToPool(_ connection: PostgresConnection) async {
        let reusable = await connection.resetForReuse()
        if reusable {
            release(connection)
        } else {
            await connection.close()
            freeSlot()
        }
    }

    private func release(_ connection: PostgresConnection) {
        enum Next {
            case handOver(Waiter)
            case keep, close
        }
        let next = state.withLock { state -> Next in
            if state.closed {
                state.leased -= 1
                state.open -= 1
                return .close
            }
            if !state.waiters.isEmpty { return .handOver(state.waiters.removeFirst()) }
            state.leased -= 1
            state.idle.append(connection)
            return .keep
        }
        switch next {
        case .handOver(let waiter): waiter.continuation.resume(returning: .reuse(connection))
        case .keep: break
        case .close: Task { await connection.close() }
        }
    }
}
