import Foundation
import GRPCCore
import HearthProtos
import HearthWire
import SwiftProtobuf

/// Sends RecordEvents batches to a running member-service and prints events per second.
///
///     RecordEventsLoad --ids FILE [--batches N] [--batch-size N] [--callers C]
///
/// The service address and token come from HEARTH_MEMBER_ADDR and HEARTH_TOKEN; FILE holds one
/// member id per line. Every event carries a fresh idempotency key, so every one is stored.
@main
struct RecordEventsLoad {
    static func main() async throws {
        var arguments = CommandLine.arguments.dropFirst()
        var idsPath = ""
        var batches = 200
        var batchSize = 1_000
        var callers = 1
        while let flag = arguments.popFirst() {
            guard let value = arguments.popFirst() else { fatalError("\(flag) needs a value") }
            switch flag {
            case "--ids": idsPath = value
            case "--batches": batches = Int(value)!
            case "--batch-size": batchSize = Int(value)!
            case "--callers": callers = Int(value)!
            default: fatalError("unknown flag \(flag)")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        let ids = try String(contentsOfFile: idsPath, encoding: .utf8).split(separator: "\n").map(String.init)
        precondition(!ids.isEmpty, "no member ids in \(idsPath)")
        let endpoint = WireClientTransport.Endpoint(environment["HEARTH_MEMBER_ADDR"] ?? "127.0.0.1:7101")!
        let token = environment["HEARTH_TOKEN"] ?? ""
        let run = UUID().uuidString.prefix(8)
        let kinds: [Hearth_Common_V1_EventKind] = [.message, .checkIn, .share, .purchase, .visit]

        func batch(_ number: Int) -> Hearth_Member_V1_RecordEventsRequest {
            var request = Hearth_Member_V1_RecordEventsRequest()
            request.events = (0..<batchSize).map { index in
                let serial = number * batchSize + index
                var event = Hearth_Member_V1_EventInput()
                event.memberID = ids[serial % ids.count]
                event.kind = kinds[serial % kinds.count]
                if event.kind == .purchase { event.amountFen = Int64(1_000 + serial % 50_000) }
                event.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSinceNow: -Double(serial % 86_400)))
                event.idempotencyKey = "load-\(run)-\(serial)"
                return event
            }
            return request
        }

        let requests = (0..<batches).map(batch)
        try await withGRPCClient(
            transport: WireClientTransport(endpoints: [endpoint]),
            interceptors: [BearerTokenInterceptor(token: token)]
        ) { grpc in
            let client = Hearth_Member_V1_MemberService.Client(wrapping: grpc)
            // One warm-up call opens the connection and the service's database connections.
            _ = try await client.recordEvents(batch(batches + 1))
            let start = ContinuousClock.now
            let accepted = try await send(requests, callers: callers, client: client)
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            print(
                "RecordEvents, \(callers) caller(s), batches of \(batchSize): \(accepted) events in "
                    + String(format: "%.2f s = %.0f events/s", seconds, Double(accepted) / seconds))
        }
    }

    /// Sends `requests` over `callers` concurrent callers; returns the events stored.
    nonisolated static func send<Transport: ClientTransport>(
        _ requests: [Hearth_Member_V1_RecordEventsRequest], callers: Int,
        client: Hearth_Member_V1_MemberService.Client<Transport>
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for caller in 0..<callers {
                group.addTask {
                    var accepted = 0
                    for index in stride(from: caller, to: requests.count, by: callers) {
                        let response = try await client.recordEvents(requests[index])
                        guard response.rejectedCount == 0 else {
                            let reason = response.results.first(where: { !$0.reasonCode.isEmpty })?.reason ?? ""
                            throw RPCError(code: .internalError, message: "events were rejected: \(reason)")
                        }
                        accepted += Int(response.acceptedCount)
                    }
                    return accepted
                }
            }
            return try await group.reduce(0, +)
        }
    }
}
