import HearthWire
import NIOCore

/// Feeds arbitrary bytes to the frame decoder: it must return frames or throw a protocol error,
/// never crash, loop or read out of bounds.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    var buffer = ByteBuffer(bytes: UnsafeRawBufferPointer(start: start, count: count))
    var frames = 0
    do {
        while let frame = try WireFrameDecoder.readFrame(from: &buffer, maximumFrameSize: 64 * 1024) {
            frames += 1
            // Whatever decodes must encode back to the same bytes.
            var encoded = ByteBuffer()
            WireFrameEncoder.write(frame, into: &encoded)
            var again = encoded
            let decoded = try WireFrameDecoder.readFrame(from: &again, maximumFrameSize: 64 * 1024)
            precondition(decoded == frame, "a frame did not survive encode and decode")
        }
    } catch {
        precondition(error is WireProtocolError, "unexpected error \(error)")
    }
    precondition(frames <= count / 10 + 1, "more frames than bytes allow")
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafeRawPointer, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point under this name; hand control to libFuzzer's driver.
@_cdecl("WireFrameFuzzer_main")
public func fuzzerMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { start, length in fuzz(start, length) }
}
