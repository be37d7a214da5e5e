public import NIOCore

/// Writes ``WireFrame``s as length-prefixed bytes.
public struct WireFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireFrame

    public init() {}

    public func encode(data frame: WireFrame, out: inout ByteBuffer) throws {
        Self.write(frame, into: &out)
    }

    public static func write(_ frame: WireFrame, into out: inout ByteBuffer) {
        out.reserveCapacity(minimumWritableBytes: 4 + WireFrame.headerSize + frame.body.readableBytes)
        out.writeInteger(UInt32(WireFrame.headerSize + frame.body.readableBytes))
        out.writeInteger(frame.kind.rawValue)
        out.writeInteger(frame.flags.rawValue)
        out.writeInteger(frame.streamID)
        var body = frame.body
        out.writeBuffer(&body)
    }
}
