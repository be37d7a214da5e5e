import Foundation
import GRPCCore
import HearthProtos
import HearthWire

/// A step of the demo that could not be done, said in one line.
struct DemoFailure: Error {
    let message: String
}

/// What `hearth demo load` needs after loading: the campaign whose report it prints.
struct DemoResult: Sendable {
    let activityCampaignID: String
}

/// The three services the demo calls.
enum DemoService {
    case member, campaign, analytics
}

/// Where the three services listen: `HEARTH_MEMBER_ADDR`, `HEARTH_CAMPAIGN_ADDR` and
/// `HEARTH_ANALYTICS_ADDR`, or their defaults, as every other command finds them.
struct DemoAddresses: Sendable {
    let member: String
    let campaign: String
    let analytics: String

    init(environment: [String: String]) {
        member = Self.address(of: MemberServiceAddress.self, in: environment)
        campaign = Self.address(of: CampaignServiceAddress.self, in: environment)
        analytics = Self.address(of: AnalyticsServiceAddress.self, in: environment)
    }

    private static func address<Service: HearthServiceAddress>(of _: Service.Type, in environment: [String: String])
        -> String
    {
        environment[Service.variable].flatMap { $0.isEmpty ? nil : $0 } ?? Service.defaultAddress
    }
}

/// The demo's calls, step by step, through the three services' clients: only RPCs, as an
/// operator's own scripts would load a tenant. Every RPC failure becomes a ``DemoFailure`` naming
/// the step (and the service's address when it cannot be reached).
struct DemoSteps {
    let memberService: Hearth_Member_V1_MemberService.Client<WireClientTransport>
    let campaignService: Hearth_Campaign_V1_CampaignService.Client<WireClientTransport>
    let analyticsService: Hearth_Analytics_V1_AnalyticsService.Client<WireClientTransport>
    let addresses: DemoAddresses
    let scenario: DemoScenario

    /// The whole scenario, in the order a platform lives it: members and their history, the
    /// segments, recruitment into the group, the Thursday activities and their orders, the
    /// win-back, then the analytics jobs.
    func run() async throws -> DemoResult {
        try await checkFreshTenant()
        let ids = try await importMembers()
        try await recordHistory(ids)
        let sichuanVIP = try await segment(DemoCatalog.sichuanVIP)
        let lapsed = try await segment(DemoCatalog.lapsed)
        let community = try await createCommunity()
        let recruitment = try await launchRecruitment(segment: sichuanVIP, community: community)
        let recruitingSince = Date()
        let joins = try await recruit(campaign: recruitment, ids: ids)
        try await recordGroupChatter(joins, since: recruitingSince)
        let activity = try await launchActivity(segment: sichuanVIP)
        try await recordOrders(activity: activity, ids: ids)
        let winBack = try await launchWinBack(segment: lapsed)
        try await waitForDeliveries([activity, winBack])
        try await runJobs()
        return DemoResult(activityCampaignID: activity.id)
    }

    // MARK: Helpers

    /// One progress line on stderr.
    func say(_ line: String) {
        printError("demo: " + line)
    }

    /// Runs one RPC (or a few) of the step `what`, turning an RPC failure into a ``DemoFailure``.
    func calling<Value>(_ service: DemoService, _ what: String, _ body: () async throws -> Value) async throws
        -> Value
    {
        do {
            return try await body()
        } catch let error as RPCError {
            throw failure(service, what, error)
        }
    }

    func failure(_ service: DemoService, _ what: String, _ error: RPCError) -> DemoFailure {
        let location = error.code == .unavailable ? " (\(serviceAndAddress(service)))" : ""
        return DemoFailure(message: "\(what): \(error.message)\(location)")
    }

    /// "member-service at 127.0.0.1:7101".
    private func serviceAndAddress(_ service: DemoService) -> String {
        switch service {
        case .member: "\(MemberServiceAddress.name) at \(addresses.member)"
        case .campaign: "\(CampaignServiceAddress.name) at \(addresses.campaign)"
        case .analytics: "\(AnalyticsServiceAddress.name) at \(addresses.analytics)"
        }
    }

    /// Call options with a deadline of `seconds`.
    static func options(seconds: Int64) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = .seconds(seconds)
        return options
    }
}
