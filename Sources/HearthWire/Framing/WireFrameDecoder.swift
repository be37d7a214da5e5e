public import NIOCore

/// Cuts the byte stream into ``WireFrame``s. The announced length is checked against the maximum
/// before anything is buffered, so a peer cannot make us hold gigabytes for one frame.
public struct WireFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireFrame

    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = WireFrame.defaultMaximumSize) {
        self.maximumFrameSize = maximumFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.readFrame(from: &buffer, maximumFrameSize: maximumFrameSize) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // A truncated frame at end-of-file is simply dropped with the connection.
        try decode(context: context, buffer: &buffer)
    }

    /// Reads one whole frame, or returns `nil` (consuming nothing) when more bytes are needed.
    public static func readFrame(from buffer: inout ByteBuffer, maximumFrameSize: Int) throws -> WireFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length <= maximumFrameSize else {
            throw WireProtocolError(
                code: .frameTooLarge, message: "a frame of \(length) bytes exceeds the maximum of \(maximumFrameSize)")
        }
        guard length >= WireFrame.headerSize else {
            throw WireProtocolError(
                code: .frameTooShort,
                message: "a frame of \(length) bytes is shorter than its \(WireFrame.headerSize)-byte header")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let kindByte = buffer.readInteger(as: UInt8.self)!
        let flags = buffer.readInteger(as: UInt8.self)!
        let streamID = buffer.readInteger(as: UInt32.self)!
        let body = buffer.readSlice(length: Int(length) - WireFrame.headerSize)!
        guard let kind = WireFrame.Kind(rawValue: kindByte) else {
            throw WireProtocolError(code: .unknownFrameKind, message: "unknown frame kind \(kindByte)")
        }
        return WireFrame(kind: kind, flags: WireFrame.Flags(rawValue: flags), streamID: streamID, body: body)
    }
}
