public import Foundation

/// One try at sending one message: what the outbox records per attempt.
public struct ChannelAttempt: Hashable, Sendable {
    public var deliveryID: UUID
    public var channel: ChannelKind
    /// 1 for the first try; the retry wrapper numbers the ones after it.
    public var number: Int
    /// The HTTP status, when an answer arrived (nil for the log sink and for transport errors).
    public var httpStatus: Int?
    /// What went wrong below HTTP (timeout, refused connection), when no answer arrived.
    public var transportError: String?
    /// From the start of the request to its answer or failure.
    public var duration: Duration
    /// How this attempt ended.
    public var result: ChannelSendResult

    public init(
        deliveryID: UUID, channel: ChannelKind, number: Int, httpStatus: Int? = nil, transportError: String? = nil,
        duration: Duration, result: ChannelSendResult
    ) {
        self.deliveryID = deliveryID
        self.channel = channel
        self.number = number
        self.httpStatus = httpStatus
        self.transportError = transportError
        self.duration = duration
        self.result = result
    }
}
