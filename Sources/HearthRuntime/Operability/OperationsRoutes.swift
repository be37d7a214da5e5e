import HearthWire
import NIOCore
import NIOHTTP1
import Prometheus
import Synchronization

/// What the operations endpoint answers, apart from sockets: `GET /metrics`, `/healthz`,
/// `/readyz`; 404 for any other path, 405 for any other method.
struct OperationsRoutes: Sendable {
    let registry: PrometheusCollectorRegistry
    let readiness: @Sendable () async -> HealthService.Readiness
    /// `/readyz` answers 503 when the check takes longer (a probe must not hang on a dead database).
    let readinessTimeout: Duration

    func answer(method: HTTPMethod, uri: String) async -> OperationsAnswer {
        let path = uri.firstIndex(of: "?").map { String(uri[..<$0]) } ?? uri
        guard method == .GET else {
            return .text(.methodNotAllowed, "only GET is served here\n")
        }
        switch path {
        case "/metrics":
            return OperationsAnswer(
                status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
        case "/healthz":
            return .text(.ok, "ok\n")
        case "/readyz":
            let ready = await ReadinessProbe.check(within: readinessTimeout, readiness)
            if ready.databaseReachable && ready.migrationsCurrent && ready.problems.isEmpty {
                return .text(.ok, "ready\n")
            }
            var problems = ready.problems
            if problems.isEmpty {
                problems.append(ready.databaseReachable ? "migrations are not current" : "database unreachable")
            }
            return .text(.serviceUnavailable, problems.joined(separator: "\n") + "\n")
        default:
            return .text(.notFound, "not found: this endpoint serves /metrics, /healthz and /readyz\n")
        }
    }
}

/// One HTTP answer; every connection is closed after it.
struct OperationsAnswer: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]

    static func text(_ status: HTTPResponseStatus, _ text: String) -> OperationsAnswer {
        OperationsAnswer(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }

    func parts(version: HTTPVersion) -> [HTTPServerResponsePart] {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        if status == .methodNotAllowed {
            headers.add(name: "Allow", value: "GET")
        }
        return [
            .head(HTTPResponseHead(version: version, status: status, headers: headers)),
            .body(.byteBuffer(ByteBuffer(bytes: body))),
            .end(nil),
        ]
    }
}

/// Runs a readiness check with a deadline. The check is left to finish on its own when the
/// deadline wins (a connect attempt cannot be interrupted); its answer is then dropped.
enum ReadinessProbe {
    static func check(
        within timeout: Duration, _ readiness: @escaping @Sendable () async -> HealthService.Readiness
    ) async -> HealthService.Readiness {
        await withCheckedContinuation { (continuation: CheckedContinuation<HealthService.Readiness, Never>) in
            let answer = FirstAnswer(continuation)
            let deadline = Task {
                do {
                    try await Task.sleep(for: timeout)
                } catch {
                    return
                }
                answer.give(
                    HealthService.Readiness(
                        databaseReachable: false, migrationsCurrent: false,
                        problems: ["database: no answer within \(timeout)"]))
            }
            Task {
                answer.give(await readiness())
                deadline.cancel()
            }
        }
    }

    /// Resumes the continuation with whichever answer comes first.
    private final class FirstAnswer: Sendable {
        private let continuation: Mutex<CheckedContinuation<HealthService.Readiness, Never>?>

        init(_ continuation: CheckedContinuation<HealthService.Readiness, Never>) {
            self.continuation = Mutex(continuation)
        }

        func give(_ readiness: HealthService.Readiness) {
            let waiting = continuation.withLock { stored -> CheckedContinuation<HealthService.Readiness, Never>? in
                defer { stored = nil }
                return stored
            }
            waiting?.resume(returning: readiness)
        }
    }
}
