import GRPCCore

/// A closable writer whose writes, finish and abort are plain closures: each side of the transport
/// uses it to turn call parts into frames.
struct WireStreamWriter<Element: Sendable>: ClosableRPCWriterProtocol {
    let onWrite: @Sendable (Element) async throws -> Void
    let onFinish: @Sendable ((any Error)?) async -> Void

    func write(_ element: Element) async throws {
        try await onWrite(element)
    }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await onWrite(element) }
    }

    func finish() async {
        await onFinish(nil)
    }

    func finish(throwing error: any Error) async {
        await onFinish(error)
    }
}
