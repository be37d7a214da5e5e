import ArgumentParser
import HearthProtos
import SwiftProtobuf

/// `hearth members update ID …`: writes the fields given and leaves the others as they are.
struct UpdateMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a member's profile: only the fields given change.",
        discussion: """
            Tags have their own commands (hearth members tag|untag); --interest replaces the member's \
            interests. --clear empties a field: phone, email, province, city, org_kind, interests or \
            source. A move of --stage is recorded with the reason "operator".
            """)

    /// The fields `--clear` can empty, named as in the update mask.
    enum ClearableField: String, ExpressibleByArgument, CaseIterable {
        case phone, email, province, city
        case orgKind = "org_kind"
        case interests
        case source

        var maskPath: String {
            switch self {
            case .province, .city: "region." + rawValue
            case .source: "source_channel"
            case .phone, .email, .orgKind, .interests: rawValue
            }
        }
    }

    @Argument(help: "The member's id.") var id: String
    @Option(help: "Display name.") var name: String?
    @Option(help: "Phone, in any usual form; the phone handle moves with it.") var phone: String?
    @Option(help: "Email address.") var email: String?
    @Option(help: "Province, e.g. Sichuan.") var province: String?
    @Option(help: "City, e.g. Chengdu.") var city: String?
    @Option(name: .customLong("org-kind"), help: "Organisation kind, e.g. pharmacy, clinic.") var orgKind: String?
    @Option(name: .customLong("interest"), help: "An interest; repeat for several (replaces the member's).")
    var interests: [String] = []
    @Option(help: "qr_poster, phone_invite, official_account, weibo, offline_sales, referral, import or other.")
    var source: EnumArgument<Hearth_Common_V1_SourceChannel>?
    @Option(help: "audience, user, fan, community or lapsed.")
    var stage: EnumArgument<Hearth_Common_V1_LifecycleStage>?
    @Option(name: .customLong("vip-tier"), parsing: .unconditional, help: "VIP tier, 0 to 9.") var vipTier: Int?
    @Option(help: "Empty this field; repeat for several.") var clear: [ClearableField] = []
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let vipTier, !(0...9).contains(vipTier) { throw ValidationError("--vip-tier must be 0 to 9") }
        guard !change.mask.isEmpty else {
            throw ValidationError("name at least one field to change, e.g. --city 成都 or --clear email")
        }
        for field in clear where change.given.contains(field.maskPath) {
            throw ValidationError("--clear \(field.rawValue) and a new value for it cannot go together")
        }
    }

    /// The profile to send and the mask naming what it writes; `given` are the fields set to a value.
    private var change: (profile: Hearth_Member_V1_MemberProfile, mask: [String], given: Set<String>) {
        var profile = Hearth_Member_V1_MemberProfile()
        var given: [String] = []
        func set(_ path: String, _ apply: (inout Hearth_Member_V1_MemberProfile) -> Void) {
            apply(&profile)
            given.append(path)
        }
        if let name { set("display_name") { $0.displayName = name } }
        if let phone { set("phone") { $0.phone = phone } }
        if let email { set("email") { $0.email = email } }
        if let province { set("region.province") { $0.region.province = province } }
        if let city { set("region.city") { $0.region.city = city } }
        if let orgKind { set("org_kind") { $0.orgKind = orgKind } }
        if !interests.isEmpty { set("interests") { $0.interests = interests } }
        if let source { set("source_channel") { $0.sourceChannel = source.value } }
        if let stage { set("lifecycle_stage") { $0.lifecycleStage = stage.value } }
        if let vipTier { set("vip_tier") { $0.vipTier = Int32(vipTier) } }
        return (profile, given + clear.map(\.maskPath), Set(given))
    }

    func run() async throws {
        let change = change
        var request = Hearth_Member_V1_UpdateMemberRequest()
        request.memberID = id
        request.profile = change.profile
        request.updateMask = Google_Protobuf_FieldMask(protoPaths: change.mask)
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.updateMember(request, options: options).member
        }
        try output.print(columns: MemberRows.columns, rows: [MemberRows.row(member)])
    }
}
