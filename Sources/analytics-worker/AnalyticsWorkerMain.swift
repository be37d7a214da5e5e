import AnalyticsWorker
import Foundation
import HearthRuntime
import Logging

/// `analytics-worker`: runs the analytics jobs on their schedules and on demand, and serves the
/// analytics API (jobs, runs, reports). Configured by environment (see README):
/// `HEARTH_ANALYTICS_LISTEN` (default 127.0.0.1:7103), `HEARTH_DATABASE_URL`, `HEARTH_AUTH_SECRET`,
/// `HEARTH_JOB_LEASE_SECONDS` (default 300).
@main
enum AnalyticsWorkerMain {
    static func main() async {
        // Logging and metrics first: every logger made after this writes JSON lines.
        do {
            _ = try HearthObservability.bootstrap(process: "analytics-worker")
        } catch {
            FileHandle.standardError.write(Data("analytics-worker: \(error.message)\n".utf8))
            exit(2)
        }
        let logger = Logger(label: "hearth.analytics-worker")
        let environment = ProcessInfo.processInfo.environment
        do {
            let configuration = try ServiceConfiguration(
                environment: environment, listenVariable: "HEARTH_ANALYTICS_LISTEN", defaultListen: "127.0.0.1:7103")
            let leaseText = environment["HEARTH_JOB_LEASE_SECONDS"].flatMap { $0.isEmpty ? nil : $0 } ?? "300"
            guard let leaseSeconds = Int(leaseText), (10...86_400).contains(leaseSeconds) else {
                throw ServiceConfigurationError(
                    variable: "HEARTH_JOB_LEASE_SECONDS",
                    message: "HEARTH_JOB_LEASE_SECONDS=\(leaseText) is not a whole number of seconds in 10…86400")
            }
            let worker =
                "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-"
                + UUID().uuidString.prefix(6).lowercased()
            try await HearthServiceProcess.run(
                name: "analytics-worker", version: HearthVersion.current, configuration: configuration, logger: logger,
                services: { pool in [AnalyticsAPI(pool: pool, logger: logger)] },
                background: { pool in
                    [JobRunner(pool: pool, worker: worker, lease: .seconds(leaseSeconds), logger: logger)]
                })
        } catch let error as ServiceConfigurationError {
            FileHandle.standardError.write(Data("analytics-worker: \(error.message)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("analytics-worker: \(error)\n".utf8))
            exit(1)
        }
    }
}
