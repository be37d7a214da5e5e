public import NIOCore

/// One frame of Hearth's transport: on the wire a 4-byte big-endian length, then that many bytes
/// of kind (1 byte), flags (1 byte), stream id (4 bytes, big-endian) and body.
///
/// Stream 0 is the connection itself (GOAWAY, PING, PONG); calls use odd ids chosen by the client.
public struct WireFrame: Hashable, Sendable {
    /// What the frame carries.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// Request method path and metadata (client), or response metadata (server).
        case headers = 1
        /// One serialized message.
        case message = 2
        /// The call's status and trailing metadata; ends the stream.
        case trailers = 3
        /// The sender gives up on the stream.
        case cancel = 4
        /// The sender accepts no new streams above `lastStreamID`.
        case goAway = 5
        case ping = 6
        case pong = 7
        /// The receiver read messages on the stream: the body, a u32 big-endian byte count, is
        /// added to the sender's window (see `WireStreamFlow`).
        case windowUpdate = 8
    }

    /// Bits of the flags byte.
    public struct Flags: OptionSet, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// The sender sends nothing more on this stream (its half is closed).
        public static let endStream = Flags(rawValue: 1)
    }

    /// Bytes of kind, flags and stream id that precede the body inside the length.
    public static let headerSize = 6
    /// The largest frame accepted unless configured otherwise: 4 MiB.
    public static let defaultMaximumSize = 4 * 1024 * 1024

    public var kind: Kind
    public var flags: Flags
    public var streamID: UInt32
    public var body: ByteBuffer

    public init(kind: Kind, flags: Flags = [], streamID: UInt32, body: ByteBuffer = ByteBuffer()) {
        self.kind = kind
        self.flags = flags
        self.streamID = streamID
        self.body = body
    }
}

extension WireFrame {
    /// A WINDOW_UPDATE handing `increment` bytes of window back to the sender of stream `streamID`.
    static func windowUpdate(streamID: UInt32, increment: UInt32) -> WireFrame {
        var body = ByteBuffer()
        body.writeInteger(increment)
        return WireFrame(kind: .windowUpdate, streamID: streamID, body: body)
    }

    /// The increment a WINDOW_UPDATE carries.
    static func windowIncrement(of frame: WireFrame) throws -> Int {
        guard frame.body.readableBytes == 4,
            let increment = frame.body.getInteger(at: frame.body.readerIndex, as: UInt32.self)
        else {
            throw WireProtocolError(code: .malformedBody, message: "a WINDOW_UPDATE body must be 4 bytes")
        }
        return Int(increment)
    }
}
