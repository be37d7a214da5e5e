import CoreMetrics
import Foundation
public import HearthWire
public import Logging
public import Prometheus
import Synchronization

/// Sets up how a Hearth process reports on itself: logs through swift-log (JSON lines on stderr,
/// or plain text) and metrics through swift-metrics into a Prometheus registry that
/// ``OperationsHTTPServer`` serves on `/metrics`.
///
/// Settings: `HEARTH_LOG_FORMAT` (`json`, the default, or `text`), `HEARTH_LOG_LEVEL` (`info` by
/// default) and `HEARTH_METRICS_LISTEN` (see ``metricsEndpoint(process:environment:)``).
public enum HearthObservability {
    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// One JSON object per line (``JSONLogHandler``): for log shippers and production.
        case json
        /// swift-log's plain text lines: for a person reading a terminal.
        case text
    }

    /// Where each service process serves `/metrics`, `/healthz` and `/readyz` unless
    /// `HEARTH_METRICS_LISTEN` says otherwise.
    public static let defaultMetricsListen: [String: String] = [
        "member-service": "127.0.0.1:9101",
        "campaign-service": "127.0.0.1:9102",
        "analytics-worker": "127.0.0.1:9103",
    ]

    /// The registry of the bootstrapped process; the logging and metrics systems may be set only
    /// once per process, so later calls return it unchanged.
    private static let bootstrapped = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps from the process's own environment.
    public static func bootstrap(process: String) throws(ServiceConfigurationError) -> PrometheusCollectorRegistry {
        try bootstrap(process: process, environment: ProcessInfo.processInfo.environment)
    }

    /// Bootstraps `LoggingSystem` and `MetricsSystem` for `process` and returns the registry its
    /// metrics land in. Safe to call again: once bootstrapped, the first registry is returned and
    /// `environment` is not read. Throws for a malformed `HEARTH_LOG_FORMAT` or `HEARTH_LOG_LEVEL`.
    public static func bootstrap(
        process: String, environment: [String: String]
    ) throws(ServiceConfigurationError) -> PrometheusCollectorRegistry {
        if let registry = bootstrapped.withLock({ $0 }) { return registry }
        let format = try logFormat(environment: environment)
        let level = try logLevel(environment: environment)
        return bootstrapped.withLock { stored in
            if let registry = stored { return registry }
            let registry = PrometheusCollectorRegistry()
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.durationHistogramBuckets["hearth_job_duration_seconds"] = jobDurationBuckets
            MetricsSystem.bootstrap(factory)
            switch format {
            case .json:
                LoggingSystem.bootstrap { label in
                    var handler = JSONLogHandler(label: label, logLevel: level)
                    handler.metadata["process"] = "\(process)"
                    return handler
                }
            case .text:
                LoggingSystem.bootstrap { label in
                    var handler = StreamLogHandler.standardError(label: label)
                    handler.logLevel = level
                    return handler
                }
            }
            stored = registry
            return registry
        }
    }

    /// Jobs run for seconds to an hour, far longer than the RPC buckets (5 ms … 10 s) reach.
    private static let jobDurationBuckets: [Duration] = [
        .milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30),
        .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(1800), .seconds(3600),
    ]

    /// `HEARTH_LOG_FORMAT`: `json` (default) or `text`.
    public static func logFormat(environment: [String: String]) throws(ServiceConfigurationError) -> LogFormat {
        let raw = environment["HEARTH_LOG_FORMAT"] ?? ""
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty { return .json }
        guard let format = LogFormat(rawValue: text) else {
            throw ServiceConfigurationError(
                variable: "HEARTH_LOG_FORMAT",
                message: "HEARTH_LOG_FORMAT=\(raw) is not a log format: use json or text")
        }
        return format
    }

    /// `HEARTH_LOG_LEVEL`: a swift-log level name, `info` by default.
    public static func logLevel(environment: [String: String]) throws(ServiceConfigurationError) -> Logger.Level {
        let raw = environment["HEARTH_LOG_LEVEL"] ?? ""
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        if text.isEmpty { return .info }
        guard let level = Logger.Level(rawValue: text) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ServiceConfigurationError(
                variable: "HEARTH_LOG_LEVEL",
                message: "HEARTH_LOG_LEVEL=\(raw) is not a log level: use one of \(names)")
        }
        return level
    }

    /// `HEARTH_METRICS_LISTEN` (`HOST:PORT`), else the process's default from
    /// ``defaultMetricsListen``; `nil` when set to `off` or to the empty string (or for a process
    /// without a default), which turns the operations endpoint off.
    public static func metricsEndpoint(
        process: String, environment: [String: String]
    ) throws(ServiceConfigurationError) -> WireClientTransport.Endpoint? {
        let raw = environment["HEARTH_METRICS_LISTEN"] ?? defaultMetricsListen[process] ?? ""
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text.lowercased() == "off" { return nil }
        guard let endpoint = WireClientTransport.Endpoint(text) else {
            throw ServiceConfigurationError(
                variable: "HEARTH_METRICS_LISTEN",
                message: "HEARTH_METRICS_LISTEN=\(raw) is not HOST:PORT (or off, to serve no /metrics, /healthz "
                    + "and /readyz)")
        }
        return endpoint
    }
}
