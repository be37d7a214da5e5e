public import GRPCCore
public import Logging

/// Logs one line per call: method, status, duration, request id, tenant and operator. Never the
/// token; phone numbers in status messages are masked.
public struct AccessLogInterceptor: ServerInterceptor {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let started = ContinuousClock.now
        let requestID =
            request.metadata[stringValues: "x-request-id"].first(where: { _ in true })
            ?? String(UInt64.random(in: 1...UInt64.max), radix: 36)
        var metadata: Logger.Metadata = [
            "rpc.method": "\(context.descriptor.service.fullyQualifiedService)/\(context.descriptor.method)",
            "request_id": "\(requestID)",
            "peer": "\(context.remotePeer)",
        ]
        if let caller = AuthenticationInterceptor.caller {
            metadata["tenant"] = "\(caller.tenant)"
            metadata["operator"] = "\(caller.operatorID)"
        }
        do {
            var response = try await next(request, context)
            let accepted = response.accepted
            if case .failure(let error) = accepted {
                log(error.code.description, error.message, started, &metadata)
                return response
            }
            // Streaming responses finish later: log when the producer is done.
            let logger = self.logger
            let logged = metadata
            response.accepted = accepted.map { contents in
                var contents = contents
                let producer = contents.producer
                contents.producer = { writer in
                    var metadata = logged
                    do {
                        let trailers = try await producer(writer)
                        metadata["rpc.status"] = "ok"
                        metadata["duration_ms"] = "\(Self.milliseconds(since: started))"
                        logger.info("rpc", metadata: metadata)
                        return trailers
                    } catch {
                        let rpcError = (error as? RPCError) ?? RPCError(code: .unknown, message: "\(error)")
                        metadata["rpc.status"] = "\(rpcError.code)"
                        metadata["rpc.message"] = "\(PhoneMasking.mask(rpcError.message))"
                        metadata["duration_ms"] = "\(Self.milliseconds(since: started))"
                        logger.info("rpc", metadata: metadata)
                        throw error
                    }
                }
                return contents
            }
            return response
        } catch {
            log("\((error as? RPCError)?.code.description ?? "unknown")", "\(error)", started, &metadata)
            throw error
        }
    }

    private func log(
        _ status: String, _ message: String, _ started: ContinuousClock.Instant, _ metadata: inout Logger.Metadata
    ) {
        metadata["rpc.status"] = "\(status)"
        metadata["rpc.message"] = "\(PhoneMasking.mask(message))"
        metadata["duration_ms"] = "\(Self.milliseconds(since: started))"
        logger.info("rpc", metadata: metadata)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int64 {
        let elapsed = ContinuousClock.now - start
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }
}

/// Hides phone numbers in text bound for logs: any run of 7 or more digits (optionally after `+`)
/// keeps only its last 4, e.g. `+8613800138000` → `+*********8000`.
public enum PhoneMasking {
    public static func mask(_ text: String) -> String {
        var output = ""
        var digits = ""
        func flush() {
            if digits.count >= 7 {
                output += String(repeating: "*", count: digits.count - 4) + digits.suffix(4)
            } else {
                output += digits
            }
            digits = ""
        }
        for character in text {
            if character.isASCII && character.isNumber {
                digits.append(character)
            } else {
                flush()
                output.append(character)
            }
        }
        flush()
        return output
    }
}
