import Foundation
import HearthPostgres
import HearthTestSupport
import NIOCore
import NIOPosix

/// Hearth as `scripts/up` runs it, for one test: a PostgreSQL cluster of its own (the test restarts
/// it), migrated by `hearth db migrate`, and the three service executables on free ports, each
/// with its operations endpoint, driven through the `hearth` executable.
///
/// The executables are the ones `swift build` made: `HEARTH_BIN_DIR` (set by `scripts/test`), else
/// `.build/debug` in the checkout.
final class EndToEndStack: @unchecked Sendable {
    enum Service: String, CaseIterable {
        case member = "member-service"
        case campaign = "campaign-service"
        case analytics = "analytics-worker"
    }

    let clusterDirectory: String
    let scratch: URL
    let binaries: URL
    /// The schema owner, for `hearth db migrate` and `hearth tenants`.
    let ownerURL: String
    /// The cluster's superuser: the test's own checks read across row-level security with it.
    let superuserURL: String
    /// What the services connect as.
    let appURL: String
    let authSecret: String
    let rpcPorts: [Service: Int]
    let metricsPorts: [Service: Int]
    private(set) var processes: [Service: ChildProcess] = [:]
    /// The token `hearth` calls with once ``useToken(_:)`` set it.
    private(set) var token: String?

    var deliveriesLog: URL { scratch.appendingPathComponent("deliveries.jsonl") }

    private init(
        clusterDirectory: String, scratch: URL, binaries: URL, rpcPorts: [Service: Int],
        metricsPorts: [Service: Int]
    ) throws {
        self.clusterDirectory = clusterDirectory
        self.scratch = scratch
        self.binaries = binaries
        self.rpcPorts = rpcPorts
        self.metricsPorts = metricsPorts
        ownerURL = try TestCluster.url(role: .owner, directory: clusterDirectory)
        superuserURL = try TestCluster.url(role: .superuser, directory: clusterDirectory)
        appURL = try TestCluster.url(role: .app, directory: clusterDirectory)
        authSecret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// A fresh cluster, migrated, with the three services started and answering their Health.
    static func start() async throws -> EndToEndStack {
        let root = TestCluster.repositoryRoot
        let directory = root.appendingPathComponent(".hearth/test-pg-e2e").path
        // A fresh cluster each time: the scenario expects an empty installation.
        try TestCluster.runScript("pg", ["destroy", "--dir", directory])
        try TestCluster.runScript("pg", ["start", "--dir", directory])
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var ports: [Int] = []
        for _ in 0..<(Service.allCases.count * 2) { ports.append(try await freePort(avoiding: ports)) }
        var rpcPorts: [Service: Int] = [:]
        var metricsPorts: [Service: Int] = [:]
        for (index, service) in Service.allCases.enumerated() {
            rpcPorts[service] = ports[index * 2]
            metricsPorts[service] = ports[index * 2 + 1]
        }
        let stack = try EndToEndStack(
            clusterDirectory: directory, scratch: scratch, binaries: binaryFolder(), rpcPorts: rpcPorts,
            metricsPorts: metricsPorts)
        let migrated = try await stack.hearth(["db", "migrate"])
        guard migrated.succeeded else {
            throw TestSupportError(message: "hearth db migrate failed: \(migrated.errors)")
        }
        for service in Service.allCases { try await stack.startService(service) }
        return stack
    }

    /// Starts a stack, runs `body` with it and stops it, keeping the logs when `body` failed.
    static func with(_ body: (EndToEndStack) async throws -> Void) async throws {
        let stack = try await start()
        do {
            try await body(stack)
        } catch {
            await stack.stop(keepLogs: true)
            throw error
        }
        await stack.stop(keepLogs: false)
    }

    /// Where `swift build` put the executables.
    private static func binaryFolder() throws -> URL {
        if let folder = ProcessInfo.processInfo.environment["HEARTH_BIN_DIR"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return TestCluster.repositoryRoot.appendingPathComponent(".build/debug")
    }

    /// A TCP port nothing listens on now (the kernel's pick, released again).
    private static func freePort(avoiding taken: [Int]) async throws -> Int {
        while true {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = channel.localAddress?.port ?? 0
            try await channel.close()
            if port > 0, !taken.contains(port) { return port }
        }
    }

    func address(_ service: Service) -> String { "127.0.0.1:\(rpcPorts[service]!)" }

    /// The environment every process gets: the machine's own without any `HEARTH_` setting of the
    /// developer's, then the stack's addresses, database and secret.
    func environment(for service: Service? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HEARTH_") }
        environment["HEARTH_DATABASE_URL"] = appURL
        environment["HEARTH_ADMIN_DATABASE_URL"] = ownerURL
        environment["HEARTH_AUTH_SECRET"] = authSecret
        environment["HEARTH_MEMBER_ADDR"] = address(.member)
        environment["HEARTH_CAMPAIGN_ADDR"] = address(.campaign)
        environment["HEARTH_ANALYTICS_ADDR"] = address(.analytics)
        environment["HEARTH_MEMBER_LISTEN"] = address(.member)
        environment["HEARTH_CAMPAIGN_LISTEN"] = address(.campaign)
        environment["HEARTH_ANALYTICS_LISTEN"] = address(.analytics)
        environment["HEARTH_CHANNEL_LOG"] = deliveriesLog.path
        environment["HEARTH_SHUTDOWN_GRACE_SECONDS"] = "60"
        // The demo replays past weeks: its messages go out whatever the hour the test runs at.
        environment["HEARTH_QUIET_HOURS"] = "off"
        if let token { environment["HEARTH_TOKEN"] = token }
        if let service { environment["HEARTH_METRICS_LISTEN"] = "127.0.0.1:\(metricsPorts[service]!)" }
        return environment
    }

    func useToken(_ token: String) { self.token = token }

    /// Starts `service` and waits (up to 60 s) until its Health answers SERVING.
    func startService(_ service: Service) async throws {
        let process = try ChildProcess(
            name: service.rawValue, executable: binaries.appendingPathComponent(service.rawValue),
            environment: environment(for: service), logFile: scratch.appendingPathComponent("\(service.rawValue).log"))
        processes[service] = process
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            if try await hearth(["health", "--addr", address(service), "--timeout", "1"]).succeeded { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSupportError(message: "\(service.rawValue) did not become healthy:\n\(process.logTail())")
    }

    func process(_ service: Service) -> ChildProcess { processes[service]! }

    /// Runs the `hearth` executable with the stack's environment.
    func hearth(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await runCommand(
            binaries.appendingPathComponent("hearth"), arguments, environment: environment(), in: scratch,
            timeout: timeout)
    }

    /// Runs `hearth` and fails with its error output unless it succeeds.
    @discardableResult
    func hearthSucceeding(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> String {
        let result = try await hearth(arguments, timeout: timeout)
        guard result.succeeded else {
            throw TestSupportError(
                message: "hearth \(arguments.joined(separator: " ")) exited \(result.status): \(result.errors)")
        }
        return result.output
    }

    /// `hearth … --output json` of rows, decoded.
    func hearthRows(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> [[String: String]] {
        let output = try await hearthSucceeding(arguments + ["--output", "json"], timeout: timeout)
        guard let rows = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: String]] else {
            throw TestSupportError(message: "hearth \(arguments.joined(separator: " ")) printed no rows: \(output)")
        }
        return rows
    }

    /// A query of the test's own, as the superuser on a connection of its own (the server may have
    /// restarted since the last one).
    func query(_ query: PostgresQuery) async throws -> PostgresRows {
        let connection = try await PostgresConnection.connect(configuration: PostgresConfiguration(url: superuserURL))
        do {
            let rows = try await connection.query(query)
            await connection.close()
            return rows
        } catch {
            await connection.close()
            throw error
        }
    }

    func restartDatabase() throws {
        try TestCluster.runScript("pg", ["restart", "--dir", clusterDirectory])
    }

    /// Stops the services (SIGTERM, then SIGKILL) and the cluster, and removes the scratch folder
    /// unless `keepLogs` (a failed run's logs are worth reading).
    func stop(keepLogs: Bool) async {
        for process in processes.values { await process.stop() }
        _ = try? TestCluster.runScript("pg", ["stop", "--dir", clusterDirectory])
        if keepLogs {
            print("end-to-end logs kept in \(scratch.path)")
        } else {
            try? FileManager.default.removeItem(at: scratch)
        }
    }
}
