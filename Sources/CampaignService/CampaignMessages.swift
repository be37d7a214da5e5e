import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Mapping between the campaign messages and the domain, in one place.
///
/// Every problem with a request is INVALID_ARGUMENT whose ErrorDetail names the field at fault by
/// its path in the request (`spec.schedule.cron`, `spec.messages[2].day_time.time`) with a stable
/// reason: `missing_field`, `invalid_id`, `unknown_enum_value`, `out_of_range`, `cron_invalid`
/// (with the column), `time_zone_invalid`, `kind_rules_mismatch`, or `<part>_invalid` when a domain
/// rule refuses a part (`name_invalid`, `goal_invalid`, `period_invalid`, `schedule_invalid`,
/// `message_invalid`, `campaign_invalid`), with the domain's message. UNSPECIFIED means "not given".
enum CampaignMessages {
    // MARK: Domain to messages

    static func campaign(_ campaign: Campaign, nextOccurrenceAt: Date?) -> Hearth_Campaign_V1_Campaign {
        var message = Hearth_Campaign_V1_Campaign()
        message.campaignID = campaign.id.description
        message.spec = spec(campaign)
        message.status = status(campaign.status)
        message.statusReason = campaign.statusReason ?? ""
        if let nextOccurrenceAt { message.nextOccurrenceAt = Google_Protobuf_Timestamp(date: nextOccurrenceAt) }
        message.createdAt = Google_Protobuf_Timestamp(date: campaign.createdAt)
        message.updatedAt = Google_Protobuf_Timestamp(date: campaign.updatedAt)
        return message
    }

    /// The writable part as sent back.
    static func spec(_ campaign: Campaign) -> Hearth_Campaign_V1_CampaignSpec {
        var spec = Hearth_Campaign_V1_CampaignSpec()
        spec.name = campaign.name
        spec.kind = kind(campaign.kind)
        if !campaign.audience.isOpen {
            spec.audience.segmentID = campaign.audience.segmentID?.description ?? ""
            spec.audience.communityID = campaign.audience.communityID?.description ?? ""
        }
        spec.channels = campaign.channels.map { channel($0) }
        if let goal = campaign.goal {
            var message = Hearth_Campaign_V1_Goal()
            if let revenueFen = goal.revenueFen { message.revenueFen = revenueFen }
            if let participants = goal.participants { message.participants = Int32(clamping: participants) }
            spec.goal = message
        }
        if let period = campaign.period {
            spec.period.start = Google_Protobuf_Timestamp(date: period.start)
            spec.period.end = Google_Protobuf_Timestamp(date: period.end)
        }
        spec.ownerOperatorID = campaign.ownerOperatorID?.uuidString.lowercased() ?? ""
        if let schedule = campaign.schedule { spec.schedule = Self.schedule(schedule) }
        spec.messages = campaign.messages.map { phaseMessage($0) }
        spec.kindRules = campaign.rules.map(kindRules)
        return spec
    }

    // MARK: Messages to domain

    /// A new draft from a CreateCampaign spec, checked field by field and then as a whole.
    ///
    /// An empty `owner_operator_id` means `owner` (the calling operator). Kind rules must match the
    /// kind (`kind_rules_mismatch`).
    static func newCampaign(_ spec: Hearth_Campaign_V1_CampaignSpec, tenant: TenantID, owner: UUID?) throws(RPCError)
        -> Campaign
    {
        guard let kind = try campaignKind(spec.kind, field: "spec.kind") else {
            throw missing(
                "spec.kind",
                "name the campaign's kind: " + CampaignKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let rules = try rules(spec.kindRules, kind: kind)

        // A campaign with nothing but its name and kind can only fail validation on the name.
        var campaign = Campaign(tenantID: tenant, name: spec.name.trimmedOfWhitespace, kind: kind)
        do throws(DomainError) {
            try campaign.validate()
        } catch {
            throw invalid(error, field: "spec.name", reason: "name_invalid")
        }

        campaign.audience = CampaignAudience(
            segmentID: try optionalID(spec.audience.segmentID, field: "spec.audience.segment_id", what: "segment"),
            communityID: try optionalID(
                spec.audience.communityID, field: "spec.audience.community_id", what: "community"))
        campaign.channels = try channels(spec.channels, field: "spec.channels")
        if spec.hasGoal { campaign.goal = try goal(spec.goal, field: "spec.goal") }
        if spec.hasPeriod { campaign.period = try period(spec.period, field: "spec.period") }
        if spec.ownerOperatorID.isEmpty {
            campaign.ownerOperatorID = owner
        } else {
            campaign.ownerOperatorID = try uuid(spec.ownerOperatorID, field: "spec.owner_operator_id", what: "operator")
        }
        if spec.hasSchedule { campaign.schedule = try schedule(spec.schedule, field: "spec.schedule") }
        var messages: [PhaseMessage] = []
        for (index, message) in spec.messages.enumerated() {
            messages.append(try phaseMessage(message, field: "spec.messages[\(index)]"))
        }
        campaign.messages = messages
        campaign.rules = rules

        // What only the whole can tell: a one-off occurrence outside the period, a message on a
        // channel that is not the campaign's.
        do throws(DomainError) {
            try campaign.validate()
        } catch {
            throw invalid(
                error, field: fieldOfCampaignProblem(error.message), reason: "campaign_invalid", prefixed: false)
        }
        return campaign
    }

    static func campaignID(_ text: String, field: String = "campaign_id") throws(RPCError) -> CampaignID {
        guard let id = CampaignID(text) else { throw invalidID(text, field: field, what: "campaign") }
        return id
    }

    // MARK: Parts of a spec

    static func goal(_ message: Hearth_Campaign_V1_Goal, field: String) throws(RPCError) -> CampaignGoal {
        let goal = CampaignGoal(
            revenueFen: message.hasRevenueFen ? message.revenueFen : nil,
            participants: message.hasParticipants ? Int(message.participants) : nil)
        do throws(DomainError) {
            try goal.validate()
        } catch {
            throw invalid(error, field: field, reason: "goal_invalid")
        }
        return goal
    }

    /// A campaign's period needs both bounds, unlike other time ranges.
    static func period(_ message: Hearth_Common_V1_TimeRange, field: String) throws(RPCError) -> CampaignPeriod {
        guard message.hasStart else {
            throw missing("\(field).start", "a campaign's period needs a start (and an end)")
        }
        guard message.hasEnd else {
            throw missing("\(field).end", "a campaign's period needs an end (and a start)")
        }
        let period = CampaignPeriod(start: message.start.date, end: message.end.date)
        do throws(DomainError) {
            try period.validate()
        } catch {
            throw invalid(error, field: field, reason: "period_invalid")
        }
        return period
    }

    /// The channels of a repeated field, in order, each once; UNSPECIFIED is refused.
    static func channels(_ values: [Hearth_Common_V1_DeliveryChannel], field: String) throws(RPCError)
        -> [DeliveryChannel]
    {
        var channels: [DeliveryChannel] = []
        for (index, value) in values.enumerated() {
            let itemField = "\(field)[\(index)]"
            guard let channel = try deliveryChannel(value, field: itemField) else {
                throw missing(
                    itemField,
                    "\(itemField) is UNSPECIFIED; name a channel: "
                        + DeliveryChannel.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !channels.contains(channel) { channels.append(channel) }
        }
        return channels
    }

    /// The rules of contests, lotteries and referrals must belong to the campaign's kind.
    static func checkKindRules(_ rules: Hearth_Campaign_V1_CampaignSpec.OneOf_KindRules?, kind: CampaignKind)
        throws(RPCError)
    {
        guard let rules else { return }
        let (field, rulesKind): (String, CampaignKind) =
            switch rules {
            case .contestRules: ("spec.contest_rules", .contest)
            case .lotteryRules: ("spec.lottery_rules", .lottery)
            case .referralRules: ("spec.referral_rules", .referral)
            }
        guard rulesKind == kind else {
            throw RPCError(
                code: .invalidArgument,
                message: "\(field) are the rules of a \(rulesKind.rawValue) campaign; this one is \(kind.rawValue)",
                reason: "kind_rules_mismatch", fields: [field: "does not match spec.kind"])
        }
    }

    // MARK: Errors

    /// `nil` for an empty field.
    static func optionalID<Entity>(_ text: String, field: String, what: String) throws(RPCError)
        -> Identifier<Entity>?
    {
        guard !text.isEmpty else { return nil }
        guard let id = Identifier<Entity>(text) else { throw invalidID(text, field: field, what: what) }
        return id
    }

    static func uuid(_ text: String, field: String, what: String) throws(RPCError) -> UUID {
        guard let id = UUID(uuidString: text) else { throw invalidID(text, field: field, what: what) }
        return id
    }

    static func invalidID(_ text: String, field: String, what: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "\(field) \"\(text)\" is not a \(what) id (a UUID)", reason: "invalid_id",
            fields: [field: "not a UUID"])
    }

    static func missing(_ field: String, _ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message, reason: "missing_field", fields: [field: "required"])
    }

    static func unknown(_ value: Int, field: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "\(field) \(value) is not a value this service knows",
            reason: "unknown_enum_value", fields: [field: "unknown value \(value)"])
    }

    static func outOfRange(_ field: String, _ message: String) -> RPCError {
        RPCError(code: .invalidArgument, message: message, reason: "out_of_range", fields: [field: message])
    }

    /// A domain rule's refusal of the part at `field`: INVALID_ARGUMENT whatever the domain's code
    /// (these are all checks of the input), its message led by the field unless `prefixed` is false.
    static func invalid(_ error: DomainError, field: String, reason: String, prefixed: Bool = true) -> RPCError {
        RPCError(
            code: .invalidArgument, message: prefixed ? "\(field): \(error.message)" : error.message, reason: reason,
            fields: [field: error.message])
    }

    /// The spec field a whole-campaign problem is about: `messages[2]: …` is `spec.messages[2]`.
    private static func fieldOfCampaignProblem(_ message: String) -> String {
        guard message.hasPrefix("messages["), let close = message.firstIndex(of: "]") else { return "spec" }
        return "spec." + message[...close]
    }
}
