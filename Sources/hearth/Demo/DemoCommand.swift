import ArgumentParser
import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// `hearth demo …`: a demo tenant that shows Hearth at work.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Load a demo tenant that shows Hearth at work.",
        subcommands: [LoadDemoCommand.self])
}

/// `hearth demo load`: replays the seed scenario into the token's tenant through the three
/// services' RPCs, runs the analytics jobs and prints the Thursday activity's campaign report.
struct LoadDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load the demo scenario into the token's tenant and print its campaign report.",
        discussion: """
            A B2B platform selling to pharmacies and clinics: --members of them across provinces (Sichuan the \
            largest share) with a year of purchases, some lapsed; the segments sichuan-vip and lapsed; the WeChat \
            group 四川VIP会员群, filled by agents' call lists until it replicates; 周四会员日, four Thursday \
            activities at 20:00 announced the Wednesday before, with members-only offers and the orders they \
            brought against a 300,000 CNY goal; 沉睡客户短信召回, a win-back to the lapsed customers. Then every \
            analytics job runs and the campaign report of 周四会员日 is printed (as `hearth reports campaign` \
            prints it) and written as HTML.

            The four Thursdays are the last four that have begun (orders cannot be dated in the future). Messages \
            go out on the log channel. The call list needs operators with the agent role in the tenant (no RPC \
            creates them; `scripts/up --demo` adds two); without them the same members join through the invite \
            link. The same --seed generates the same data. A tenant that holds the demo already is refused (exit \
            1): load it into a fresh tenant.

            Services: $HEARTH_MEMBER_ADDR, $HEARTH_CAMPAIGN_ADDR, $HEARTH_ANALYTICS_ADDR (default 127.0.0.1:7101, \
            7102, 7103). Progress goes to stderr, one line a step; the report to stdout.
            """)

    @Option(help: "How many pharmacies and clinics to import, 100 to 50000.") var members = 5_000
    @Option(help: "Where to write the campaign report as a standalone HTML page.")
    var html = ".hearth/demo-report.html"
    @Option(help: "Seed of the generated data: the same seed gives the same members, orders and outcomes.")
    var seed: UInt64 = 2_026
    @Option(help: "Access token (default: $HEARTH_TOKEN); `hearth token issue` makes one (role operator or admin).")
    var token: String?

    func validate() throws {
        guard (100...50_000).contains(members) else { throw ValidationError("--members must be 100 to 50000") }
        guard !html.isEmpty else { throw ValidationError("--html needs a file") }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: html).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            printError("hearth: cannot create \(folder.path) for the HTML report: \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let addresses = DemoAddresses(environment: ProcessInfo.processInfo.environment)
        let scenario = DemoScenario(seed: seed, memberCount: members, now: Date())
        let result: DemoResult
        do {
            result = try await load(scenario, from: addresses)
        } catch let failure as DemoFailure {
            printError("hearth: demo: \(failure.message)")
            throw ExitCode(1)
        }
        printError("demo: the campaign report of \(DemoCatalog.activityName):")
        // The report prints exactly as `hearth reports campaign ID --html FILE` prints and writes it.
        let report = try CampaignReportCommand.parse(
            [result.activityCampaignID, "--html", html] + (self.token.map { ["--token", $0] } ?? []))
        try await report.run()
        printError("demo: HTML report written to \(html)")
    }

    /// Runs the steps with a client of each service; an RPC failure comes back as a DemoFailure.
    private func load(_ scenario: DemoScenario, from addresses: DemoAddresses) async throws -> DemoResult {
        let token = self.token
        return try await callService(named: MemberServiceAddress.name, address: addresses.member, token: token) {
            member -> DemoResult in
            try await callService(named: CampaignServiceAddress.name, address: addresses.campaign, token: token) {
                campaign -> DemoResult in
                try await callService(named: AnalyticsServiceAddress.name, address: addresses.analytics, token: token) {
                    analytics -> DemoResult in
                    let steps = DemoSteps(
                        memberService: Hearth_Member_V1_MemberService.Client(wrapping: member),
                        campaignService: Hearth_Campaign_V1_CampaignService.Client(wrapping: campaign),
                        analyticsService: Hearth_Analytics_V1_AnalyticsService.Client(wrapping: analytics),
                        addresses: addresses, scenario: scenario)
                    return try await steps.run()
                }
            }
        }
    }
}
