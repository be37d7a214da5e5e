import GRPCCore
import Synchronization

/// Per-stream flow control, in bytes of message bodies, for both directions of one stream.
///
/// Each side may have ``initialWindow`` bytes of messages in flight on a stream. A sender may send
/// a message while its window is above zero (so one message larger than the window still goes,
/// taking the window below zero) and then waits. The receiver hands the window back with
/// WINDOW_UPDATE as its application reads messages, half a window at a time. A stream whose
/// reader is slow therefore holds at most a window plus one message in memory, and it blocks only
/// its own writer: other streams on the connection go on.
final class WireStreamFlow: Sendable {
    /// Bytes a sender may have unread at the receiver on one stream, in each direction.
    static let initialWindow = 1 << 20

    private let state: Mutex<State>
    private let maximumFrameSize: Int

    private struct State {
        var sendWindow = WireStreamFlow.initialWindow
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextWaiter = 0
        var closed: RPCError?
        /// Bytes received and not yet handed back with WINDOW_UPDATE.
        var receivedUngranted = 0
        /// Bytes the application read since the last WINDOW_UPDATE.
        var readUngranted = 0
    }

    init(maximumFrameSize: Int) {
        self.state = Mutex(State())
        self.maximumFrameSize = maximumFrameSize
    }

    // MARK: Sending

    /// Waits until the window allows sending `bytes`, then takes them from it. Throws when the
    /// stream ends first, or the task is cancelled while waiting.
    func reserve(_ bytes: Int) async throws {
        enum Outcome {
            case go
            case wait(Int)
            case fail(RPCError)
        }
        while true {
            try Task.checkCancellation()
            let outcome = state.withLock { state -> Outcome in
                if let closed = state.closed { return .fail(closed) }
                if state.sendWindow > 0 {
                    state.sendWindow -= bytes
                    return .go
                }
                defer { state.nextWaiter += 1 }
                return .wait(state.nextWaiter)
            }
            switch outcome {
            case .go: return
            case .fail(let error): throw error
            case .wait(let ticket):
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        let resumeNow = state.withLock { state -> Bool in
                            if state.closed != nil || state.sendWindow > 0 || Task.isCancelled { return true }
                            state.waiters[ticket] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    state.withLock { $0.waiters.removeValue(forKey: ticket) }?.resume(throwing: CancellationError())
                }
            }
        }
    }

    /// The peer handed back `increment` bytes of window.
    func grant(_ increment: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.sendWindow += increment
            guard state.sendWindow > 0 else { return [] }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The stream ended: writers waiting for window fail with `error`.
    func close(_ error: RPCError) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            if state.closed == nil { state.closed = error }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }

    // MARK: Receiving

    /// Counts a message that arrived; `false` when the peer sent beyond its window (it ignored
    /// flow control, and the stream must be ended rather than buffered without bound).
    func received(_ bytes: Int) -> Bool {
        state.withLock { state in
            let allowed = Self.initialWindow + maximumFrameSize
            state.receivedUngranted += bytes
            return state.receivedUngranted <= allowed
        }
    }

    /// Counts a message the application read; returns the increment to send in WINDOW_UPDATE once
    /// half a window has been read, `nil` before.
    func read(_ bytes: Int) -> UInt32? {
        state.withLock { state in
            state.readUngranted += bytes
            guard state.readUngranted >= Self.initialWindow / 2 else { return nil }
            let increment = state.readUngranted
            state.readUngranted = 0
            state.receivedUngranted -= increment
            return UInt32(clamping: increment)
        }
    }
}

/// The inbound messages of one stream, telling its ``WireStreamFlow`` what the application has
/// read so the window is handed back only as fast as the reader goes.
struct WireFlowControlledInbound<Part: Sendable>: AsyncSequence, Sendable {
    typealias Element = Part
    typealias Failure = any Error

    let base: AsyncThrowingStream<Part, any Error>
    /// The size of a part that counts against the window (message bodies), or `nil`.
    let messageSize: @Sendable (Part) -> Int?
    /// Called with the bytes the application has just read.
    let onRead: @Sendable (Int) -> Void

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Part, any Error>.AsyncIterator
        let messageSize: @Sendable (Part) -> Int?
        let onRead: @Sendable (Int) -> Void

        mutating func next() async throws -> Part? {
            guard let part = try await base.next() else { return nil }
            if let size = messageSize(part) { onRead(size) }
            return part
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), messageSize: messageSize, onRead: onRead)
    }
}

/// A stream's id, set once its headers are sent; shared by the stream's parts.
final class WireStreamIDBox: Sendable {
    private let id = Mutex<UInt32?>(nil)

    var value: UInt32? {
        get { id.withLock { $0 } }
        set { id.withLock { $0 = newValue } }
    }
}
