import Foundation
import HearthPostgres
import HearthTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hearth as an operator's company runs it: the three service executables against their own
/// PostgreSQL, driven only through the `hearth` executable. The demo scenario is loaded and its
/// campaign report checked against the database; PostgreSQL restarts under a stream of writes and
/// none that was acknowledged is lost; SIGTERM lets a long import in flight finish. The
/// member-service commands are walked through as an operator types them in
/// `MemberCommandLineTests.swift`.
@Suite("End to end: the real executables", .serialized, .timeLimit(.minutes(15)))
struct EndToEndTests {
    @Test func theDemoRunsOnTheRealProcessesThroughADatabaseRestartAndADrain() async throws {
        try await EndToEndStack.with { stack in
            try await operatorSetsUpATenant(stack)
            try await demoLoadsAndItsReportMatchesTheDatabase(stack)
            try await operationsEndpointsAnswer(stack)
            try await acknowledgedWritesSurviveADatabaseRestart(stack)
            try await sigtermLetsAnImportInFlightFinish(stack)
            try await theOtherServicesStopCleanlyAndEverySendIsLoggedOnce(stack)
        }
    }

    /// `hearth tenants create`, `hearth token issue`, and two agents for the demo's call list (as
    /// `scripts/up --demo` adds them: no RPC creates operators).
    private func operatorSetsUpATenant(_ stack: EndToEndStack) async throws {
        let created = try await stack.hearthSucceeding([
            "tenants", "create", "--slug", "e2e", "--name", "End-to-end pharmacy platform", "--output", "json",
        ])
        let facts = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: String]
        let tenant = try #require(facts?["tenant_id"].flatMap(UUID.init(uuidString:)))
        let token = try await stack.hearthSucceeding([
            "token", "issue", "--tenant", tenant.uuidString.lowercased(), "--operator", "admin", "--role", "admin",
            "--ttl", "2h",
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!token.isEmpty)
        stack.useToken(token)
        _ = try await stack.query(
            """
            INSERT INTO operators (tenant_id, login, name, role)
            VALUES (\(tenant), 'agent-li', '李晓燕', 'agent'), (\(tenant), 'agent-zhang', '张伟', 'agent')
            """)
    }

    /// `hearth demo load` end to end, then `hearth reports campaign` of the Thursday activity
    /// compared with what the database holds.
    private func demoLoadsAndItsReportMatchesTheDatabase(_ stack: EndToEndStack) async throws {
        let html = stack.scratch.appendingPathComponent("demo-report.html")
        let demo = try await stack.hearth(
            ["demo", "load", "--members", "200", "--html", html.path], timeout: .seconds(1_200))
        try #require(demo.succeeded, "hearth demo load exited \(demo.status): \(demo.errors)")
        #expect(demo.output.contains("周四会员日"))
        #expect(demo.errors.contains("demo: job campaign_reports:"))
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<svg"))
        #expect(page.contains("周四会员日"))

        let campaign = try #require(
            try await stack.query("SELECT campaign_id FROM campaigns WHERE name = '周四会员日'").first?
                .decode(UUID.self, at: 0))
        let rows = try await stack.hearthRows(["reports", "campaign", campaign.uuidString.lowercased()])
        func figure(_ section: String, _ key: String) -> Int64? {
            rows.first { $0["section"] == section && $0["key"] == key }.flatMap { $0["value"] }.flatMap { Int64($0) }
        }
        let deliveries = try #require(
            try await stack.query(
                """
                SELECT count(DISTINCT member_id), count(DISTINCT member_id) FILTER (WHERE status = 'sent')
                FROM deliveries WHERE campaign_id = \(campaign)
                """
            ).first)
        let orders = try #require(
            try await stack.query(
                """
                SELECT count(DISTINCT member_id) + count(*) FILTER (WHERE member_id IS NULL),
                       coalesce(sum(amount_fen), 0)::bigint
                FROM conversions WHERE campaign_id = \(campaign) AND refunded_at IS NULL
                """
            ).first)
        let targeted = try deliveries.decode(Int64.self, at: 0)
        let delivered = try deliveries.decode(Int64.self, at: 1)
        let converted = try orders.decode(Int64.self, at: 0)
        let revenue = try orders.decode(Int64.self, at: 1)
        #expect(targeted > 0 && delivered > 0 && converted > 0 && revenue > 0)
        #expect(figure("funnel", "targeted") == targeted)
        #expect(figure("funnel", "delivered") == delivered)
        #expect(figure("funnel", "converted") == converted)
        #expect(figure("funnel", "revenue_fen") == revenue)
        #expect(figure("pacing", "revenue_fen") == revenue)
        #expect(figure("pacing", "goal_revenue_fen") == 30_000_000)
        #expect(rows.filter { $0["section"] == "occurrence" && $0["key"] == "starts_at" }.count == 4)

        // The overview counts the members the demo imported.
        let members = try #require(
            try await stack.query("SELECT count(*) FROM members WHERE deleted_at IS NULL").first?.decode(
                Int64.self, at: 0))
        #expect(members == 200)
    }

    /// `/healthz`, `/readyz` and `/metrics` of each process, with the RPCs the demo made counted.
    private func operationsEndpointsAnswer(_ stack: EndToEndStack) async throws {
        for service in EndToEndStack.Service.allCases {
            let port = stack.metricsPorts[service]!
            let alive = try await HTTPProbe.get("/healthz", port: port)
            #expect(alive.status == 200, "\(service.rawValue) /healthz")
            let ready = try await HTTPProbe.get("/readyz", port: port)
            #expect(ready.status == 200, "\(service.rawValue) /readyz: \(ready.body)")
            let metrics = try await HTTPProbe.get("/metrics", port: port)
            #expect(metrics.status == 200)
            #expect(metrics.body.contains("hearth_rpc_requests_total"), "\(service.rawValue) /metrics")
        }
        let memberMetrics = try await HTTPProbe.get("/metrics", port: stack.metricsPorts[.member]!).body
        #expect(memberMetrics.contains("ImportMembers"))
    }

    /// A stream of writes to both services while PostgreSQL restarts: every write `hearth` reported
    /// done is in the database afterwards, and the services serve again without being restarted.
    private func acknowledgedWritesSurviveADatabaseRestart(_ stack: EndToEndStack) async throws {
        let ledger = WriteLedger()
        let writes = 40
        let writer = Task {
            for index in 0..<writes {
                let name = "e2e-restart-\(index)"
                let arguments =
                    index.isMultiple(of: 2)
                    ? ["members", "create", "--name", name]
                    : ["campaigns", "conversions", "record", "--order", name, "--amount", "1.00"]
                let result = try await stack.hearth(arguments, timeout: .seconds(60))
                await ledger.record(index: index, key: name, result: result)
            }
        }
        while await ledger.acknowledged.count < 10 { try await Task.sleep(for: .milliseconds(50)) }
        try stack.restartDatabase()
        let writtenBeforeRestart = await ledger.attempted
        try await writer.value

        let acknowledged = await ledger.acknowledged
        #expect(writtenBeforeRestart < writes, "the restart came after every write")
        let members = try await stack.query(
            "SELECT display_name FROM members WHERE display_name LIKE 'e2e-restart-%'"
        ).map { try $0.decode(String.self, at: 0) }
        let orders = try await stack.query(
            "SELECT order_id FROM conversions WHERE order_id LIKE 'e2e-restart-%'"
        ).map { try $0.decode(String.self, at: 0) }
        let stored = Set(members + orders)
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "acknowledged but not stored: \(lost)")
        // Once the server is back every write goes through: the services recovered by themselves.
        let lastTen = Set((writes - 10..<writes).map { "e2e-restart-\($0)" })
        let failed = await ledger.failed
        #expect(lastTen.isSubset(of: Set(acknowledged)), "failed after the restart: \(failed)")
        for service in EndToEndStack.Service.allCases {
            let ready = try await HTTPProbe.get("/readyz", port: stack.metricsPorts[service]!)
            #expect(ready.status == 200, "\(service.rawValue) /readyz after the restart: \(ready.body)")
        }
    }

    /// SIGTERM to member-service while `hearth members import` streams a file into it: the import
    /// runs to its end with every row stored, then the service exits 0 and takes no new calls.
    private func sigtermLetsAnImportInFlightFinish(_ stack: EndToEndStack) async throws {
        let rows = 50_000
        let file = stack.scratch.appendingPathComponent("drain.csv")
        // 175 is a prefix the demo gives no one: every row is a new member.
        var csv = "display_name,phone,province\n"
        for index in 0..<rows { csv += "e2e-drain-\(index),175\(String(format: "%08d", index)),Sichuan\n" }
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let importLog = stack.scratch.appendingPathComponent("drain-import.log")
        let importing = try ChildProcess(
            name: "hearth members import",
            executable: stack.binaries.appendingPathComponent("hearth"),
            arguments: ["members", "import", file.path, "--batch-size", "200", "--output", "json"],
            environment: stack.environment(), logFile: importLog)

        func stored() async throws -> Int64 {
            try await stack.query("SELECT count(*) FROM members WHERE display_name LIKE 'e2e-drain-%'")[0]
                .decode(Int64.self, at: 0)
        }
        // The call is in flight once member-service streams the rows into its staging table (the
        // import lands in one transaction, so no row is visible before the end).
        func streaming() async throws -> Bool {
            try await stack.query(
                """
                SELECT count(*) FROM pg_stat_activity
                WHERE state = 'active' AND query LIKE '%COPY member_import%' AND pid <> pg_backend_pid()
                """
            )[0].decode(Int64.self, at: 0) > 0
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        var inFlight = false
        while !inFlight, ContinuousClock.now < deadline, importing.isRunning {
            try await Task.sleep(for: .milliseconds(10))
            inFlight = try await streaming()
        }
        let member = stack.process(.member)
        let runningAtSignal = importing.isRunning
        member.send(SIGTERM)
        let storedAtSignal = try await stored()
        let importStatus = await importing.waitForExit(timeout: .seconds(600))
        let serviceStatus = await member.waitForExit(timeout: .seconds(120))

        #expect(inFlight && runningAtSignal, "the import was not in flight at SIGTERM")
        #expect(storedAtSignal == 0, "the import had committed before SIGTERM")
        #expect(importStatus == 0, "the import failed:\n\(importing.logTail())")
        let summary = try String(contentsOf: importLog, encoding: .utf8)
        #expect(
            summary.range(of: #""inserted"\s*:\s*"\#(rows)""#, options: .regularExpression) != nil,
            "\(summary.suffix(600))")
        let storedAtEnd = try await stored()
        #expect(storedAtEnd == Int64(rows))
        #expect(serviceStatus == 0, "member-service after SIGTERM:\n\(member.logTail())")
        let afterwards = try await stack.hearth(["health", "--addr", stack.address(.member), "--timeout", "2"])
        #expect(!afterwards.succeeded, "member-service still answers after it stopped")
    }

    /// SIGTERM to the other two: both exit 0. With everything stopped, the log channel's file holds
    /// each sent delivery exactly once.
    private func theOtherServicesStopCleanlyAndEverySendIsLoggedOnce(_ stack: EndToEndStack) async throws {
        for service in [EndToEndStack.Service.campaign, .analytics] {
            let process = stack.process(service)
            process.send(SIGTERM)
            let status = await process.waitForExit(timeout: .seconds(120))
            #expect(status == 0, "\(service.rawValue) after SIGTERM:\n\(process.logTail())")
        }
        let lines = try String(contentsOf: stack.deliveriesLog, encoding: .utf8).split(separator: "\n")
        let logged = try lines.map { line -> String in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["delivery_id"] as? String)
        }
        #expect(Set(logged).count == logged.count, "a delivery was logged twice")
        let sent = try await stack.query("SELECT delivery_id FROM deliveries WHERE status = 'sent' AND channel = 'log'")
            .map { try $0.decode(UUID.self, at: 0).uuidString.lowercased() }
        #expect(!sent.isEmpty)
        #expect(Set(sent) == Set(logged))
    }
}

/// Which writes of the restart test `hearth` acknowledged, in order.
private actor WriteLedger {
    private(set) var acknowledged: [String] = []
    private(set) var failed: [String] = []
    private(set) var attempted = 0

    func record(index: Int, key: String, result: CommandResult) {
        attempted = index + 1
        if result.succeeded {
            acknowledged.append(key)
        } else {
            failed.append("\(key): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }
}
