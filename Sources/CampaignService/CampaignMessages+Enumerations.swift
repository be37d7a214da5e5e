import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime

/// The enumerations, both ways. From the wire, UNSPECIFIED is `nil` ("not given") and a value this
/// service does not know is INVALID_ARGUMENT (`unknown_enum_value`) naming the field.
extension CampaignMessages {
    static func status(_ status: CampaignStatus) -> Hearth_Campaign_V1_CampaignStatus {
        switch status {
        case .draft: .draft
        case .scheduled: .scheduled
        case .running: .running
        case .paused: .paused
        case .completed: .completed
        case .cancelled: .cancelled
        }
    }

    /// `nil` for UNSPECIFIED; a filter's value, so an unknown one is blamed on `statuses`.
    static func status(_ status: Hearth_Campaign_V1_CampaignStatus) throws(RPCError) -> CampaignStatus? {
        try campaignStatus(status, field: "statuses")
    }

    /// `nil` for UNSPECIFIED.
    static func campaignStatus(_ status: Hearth_Campaign_V1_CampaignStatus, field: String) throws(RPCError)
        -> CampaignStatus?
    {
        switch status {
        case .unspecified: nil
        case .draft: .draft
        case .scheduled: .scheduled
        case .running: .running
        case .paused: .paused
        case .completed: .completed
        case .cancelled: .cancelled
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func kind(_ kind: CampaignKind) -> Hearth_Campaign_V1_CampaignKind {
        switch kind {
        case .recruitment: .recruitment
        case .recurringActivity: .recurringActivity
        case .reactivation: .reactivation
        case .flashOffer: .flashOffer
        case .taskChallenge: .taskChallenge
        case .contest: .contest
        case .lottery: .lottery
        case .referral: .referral
        }
    }

    /// `nil` for UNSPECIFIED; a filter's value, so an unknown one is blamed on `kinds`.
    static func kind(_ kind: Hearth_Campaign_V1_CampaignKind) throws(RPCError) -> CampaignKind? {
        try campaignKind(kind, field: "kinds")
    }

    /// `nil` for UNSPECIFIED.
    static func campaignKind(_ kind: Hearth_Campaign_V1_CampaignKind, field: String) throws(RPCError)
        -> CampaignKind?
    {
        switch kind {
        case .unspecified: nil
        case .recruitment: .recruitment
        case .recurringActivity: .recurringActivity
        case .reactivation: .reactivation
        case .flashOffer: .flashOffer
        case .taskChallenge: .taskChallenge
        case .contest: .contest
        case .lottery: .lottery
        case .referral: .referral
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func channel(_ channel: DeliveryChannel) -> Hearth_Common_V1_DeliveryChannel {
        switch channel {
        case .sms: .sms
        case .im: .im
        case .phone: .phone
        case .wecomBot: .wecomBot
        case .dingtalkBot: .dingtalkBot
        case .webhook: .webhook
        case .log: .log
        }
    }

    /// `nil` for UNSPECIFIED; a filter's value, so an unknown one is blamed on `channels`.
    static func channel(_ channel: Hearth_Common_V1_DeliveryChannel) throws(RPCError) -> DeliveryChannel? {
        try deliveryChannel(channel, field: "channels")
    }

    /// `nil` for UNSPECIFIED.
    static func deliveryChannel(_ channel: Hearth_Common_V1_DeliveryChannel, field: String) throws(RPCError)
        -> DeliveryChannel?
    {
        switch channel {
        case .unspecified: nil
        case .sms: .sms
        case .im: .im
        case .phone: .phone
        case .wecomBot: .wecomBot
        case .dingtalkBot: .dingtalkBot
        case .webhook: .webhook
        case .log: .log
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func phase(_ phase: CampaignPhase) -> Hearth_Campaign_V1_CampaignPhase {
        switch phase {
        case .announce: .announce
        case .warmUp: .warmUp
        case .live: .live
        case .review: .review
        }
    }

    /// `nil` for UNSPECIFIED.
    static func campaignPhase(_ phase: Hearth_Campaign_V1_CampaignPhase, field: String) throws(RPCError)
        -> CampaignPhase?
    {
        switch phase {
        case .unspecified: nil
        case .announce: .announce
        case .warmUp: .warmUp
        case .live: .live
        case .review: .review
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }

    static func dayOfWeek(_ day: Weekday) -> Hearth_Campaign_V1_DayOfWeek {
        switch day {
        case .monday: .monday
        case .tuesday: .tuesday
        case .wednesday: .wednesday
        case .thursday: .thursday
        case .friday: .friday
        case .saturday: .saturday
        case .sunday: .sunday
        }
    }

    /// `nil` for UNSPECIFIED.
    static func weekday(_ day: Hearth_Campaign_V1_DayOfWeek, field: String) throws(RPCError) -> Weekday? {
        switch day {
        case .unspecified: nil
        case .monday: .monday
        case .tuesday: .tuesday
        case .wednesday: .wednesday
        case .thursday: .thursday
        case .friday: .friday
        case .saturday: .saturday
        case .sunday: .sunday
        case .UNRECOGNIZED(let value): throw unknown(value, field: field)
        }
    }
}
