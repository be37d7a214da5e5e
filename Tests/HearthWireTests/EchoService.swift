import GRPCCore

/// Raw bytes in and out, so the transport tests need no generated code.
struct BytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] {
        bytes.withUnsafeBytes { Array($0) }
    }
}

/// A test service exercising every call kind, errors, slowness and cancellation.
struct EchoService: RegistrableRPCService {
    static let get = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Get")
    static let collect = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Collect")
    static let expand = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Expand")
    static let update = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Update")
    /// Waits for the number of milliseconds in the request's first byte × 100, or until cancelled.
    static let sleep = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Sleep")
    /// Fails with the status code in the request's first byte.
    static let fail = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Fail")
    static let unknown = MethodDescriptor(fullyQualifiedService: "test.Echo", method: "Nope")

    let sleeps: SleepLog

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let coder = BytesCoder()
        router.registerHandler(forMethod: Self.get, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self, metadata: ["echo": "yes"]) { writer in
                for try await message in request.messages { try await writer.write(message) }
                return ["trailer": "done"]
            }
        }
        router.registerHandler(forMethod: Self.collect, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                var all: [UInt8] = []
                for try await message in request.messages { all += message }
                try await writer.write(all)
                return [:]
            }
        }
        router.registerHandler(forMethod: Self.expand, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                for try await message in request.messages {
                    for byte in message { try await writer.write([byte]) }
                }
                return [:]
            }
        }
        router.registerHandler(forMethod: Self.update, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { writer in
                for try await message in request.messages { try await writer.write(message.reversed()) }
                return [:]
            }
        }
        let sleeps = self.sleeps
        router.registerHandler(forMethod: Self.sleep, deserializer: coder, serializer: coder) { request, context in
            StreamingServerResponse(of: [UInt8].self) { writer in
                var units = 0
                for try await message in request.messages { units = Int(message.first ?? 0) }
                await sleeps.recordStart()
                // Handlers learn of a cancelled call through the RPC cancellation handler.
                let sleeper = Task { try await Task.sleep(for: .milliseconds(100 * units)) }
                do {
                    try await withRPCCancellationHandler {
                        try await sleeper.value
                    } onCancelRPC: {
                        sleeper.cancel()
                    }
                } catch {
                    await sleeps.record(cancelled: true)
                    throw RPCError(code: .cancelled, message: "handler saw cancellation")
                }
                await sleeps.record(cancelled: false)
                try await writer.write([UInt8(units)])
                return [:]
            }
        }
        router.registerHandler(forMethod: Self.fail, deserializer: coder, serializer: coder) { request, _ in
            StreamingServerResponse(of: [UInt8].self) { _ in
                var code = 2
                for try await message in request.messages { code = Int(message.first ?? 2) }
                throw RPCError(code: RPCError.Code(Status.Code(rawValue: code)!)!, message: "failed as asked: \(code)")
            }
        }
    }
}

/// What the Sleep handler observed, for cancellation assertions.
actor SleepLog {
    private(set) var started = 0
    private(set) var cancelled = 0
    func recordStart() { started += 1 }
    private(set) var completed = 0
    func record(cancelled wasCancelled: Bool) {
        if wasCancelled { cancelled += 1 } else { completed += 1 }
    }
}
