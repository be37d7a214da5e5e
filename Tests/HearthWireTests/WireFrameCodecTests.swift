import HearthWire
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("Frame codec")
struct WireFrameCodecTests {
    static func encoded(_ frames: [WireFrame]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for frame in frames { WireFrameEncoder.write(frame, into: &buffer) }
        return buffer
    }

    static let samples: [WireFrame] = [
        WireFrame(kind: .headers, streamID: 1, body: ByteBuffer(string: "/hearth.member.v1.MemberService/GetMember")),
        WireFrame(kind: .message, flags: .endStream, streamID: 1, body: ByteBuffer(bytes: [0, 1, 2, 255])),
        WireFrame(kind: .trailers, flags: .endStream, streamID: 3),
        WireFrame(kind: .cancel, streamID: 0xFFFF_FFFF),
        WireFrame(kind: .goAway, streamID: 0, body: ByteBuffer(string: "draining")),
        WireFrame(kind: .ping, streamID: 0, body: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])),
        WireFrame(kind: .pong, streamID: 0, body: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])),
    ]

    @Test func decodesWholeSplitAndByteByByteInput() throws {
        // The verifier feeds the input whole, byte by byte and in odd chunks, and checks the same frames come out.
        let pairs = Self.samples.map { (Self.encoded([$0]), [$0]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { WireFrameDecoder() }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(Self.encoded(Self.samples), Self.samples)]) { WireFrameDecoder() }
    }

    @Test func refusesAnOversizedLengthBeforeBufferingTheBody() throws {
        var decoder = WireFrameDecoder(maximumFrameSize: 1024)
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1025))
        buffer.writeBytes([2, 0])  // only the start of a frame has arrived
        let error = #expect(throws: WireProtocolError.self) {
            _ = try WireFrameDecoder.readFrame(from: &buffer, maximumFrameSize: decoder.maximumFrameSize)
        }
        #expect(error?.code == .frameTooLarge)
        // The largest allowed frame passes.
        let body = ByteBuffer(repeating: 7, count: 1024 - WireFrame.headerSize)
        var exact = Self.encoded([WireFrame(kind: .message, streamID: 1, body: body)])
        let frame = try WireFrameDecoder.readFrame(from: &exact, maximumFrameSize: 1024)
        #expect(frame?.body == body)
        decoder = WireFrameDecoder()
        #expect(decoder.maximumFrameSize == 4 * 1024 * 1024)
    }

    @Test func refusesShortFramesAndUnknownKinds() throws {
        var short = ByteBuffer()
        short.writeInteger(UInt32(3))
        short.writeBytes([1, 0, 0])
        let tooShort = #expect(throws: WireProtocolError.self) {
            _ = try WireFrameDecoder.readFrame(from: &short, maximumFrameSize: 1024)
        }
        #expect(tooShort?.code == .frameTooShort)

        var unknown = ByteBuffer()
        unknown.writeInteger(UInt32(6))
        unknown.writeBytes([42, 0, 0, 0, 0, 1])
        let kind = #expect(throws: WireProtocolError.self) {
            _ = try WireFrameDecoder.readFrame(from: &unknown, maximumFrameSize: 1024)
        }
        #expect(kind?.code == .unknownFrameKind)
    }

    @Test func aTruncatedFrameWaitsForMoreBytes() throws {
        var buffer = Self.encoded([Self.samples[0]])
        var partial = buffer.readSlice(length: buffer.readableBytes - 1)!
        #expect(try WireFrameDecoder.readFrame(from: &partial, maximumFrameSize: 1024) == nil)
        #expect(partial.readableBytes == Self.encoded([Self.samples[0]]).readableBytes - 1)  // nothing consumed
    }

    @Test func garbageEndsInAnErrorOrFramesNeverACrash() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            var buffer = ByteBuffer(bytes: (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            do {
                while try WireFrameDecoder.readFrame(from: &buffer, maximumFrameSize: 4096) != nil {}
            } catch is WireProtocolError {
                continue
            }
        }
    }

    @Test func aChannelClosesOnAnOversizedFrame() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(WireFrameDecoder(maximumFrameSize: 64)))
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt32(1_000_000))
        #expect(throws: WireProtocolError.self) { try channel.writeInbound(buffer) }
        _ = try? channel.finish()
    }

    @Test func encodedBytesMatchTheDocumentedLayout() {
        let bytes = Array(
            Self.encoded([WireFrame(kind: .message, flags: .endStream, streamID: 258, body: ByteBuffer(bytes: [9]))])
                .readableBytesView)
        #expect(bytes == [0, 0, 0, 7, 2, 1, 0, 0, 1, 2, 9])
    }
}
