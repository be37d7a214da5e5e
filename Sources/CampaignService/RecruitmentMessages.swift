import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthWire
import SwiftProtobuf

/// Mapping between the recruitment messages (call lists, their entries, invite links) and the
/// domain, and the checks of their request fields: INVALID_ARGUMENT naming the field, with the
/// reasons ``CampaignMessages`` uses (`invalid_id`, `missing_field`, `unknown_enum_value`,
/// `out_of_range`).
enum RecruitmentMessages {
    /// Most characters of an idempotency key (the schema's bound).
    static let maximumIdempotencyKeyLength = 200

    // MARK: Domain to messages

    static func callList(_ list: CallList) -> Hearth_Campaign_V1_CallList {
        var message = Hearth_Campaign_V1_CallList()
        message.callListID = list.id.description
        message.campaignID = list.campaignID.description
        message.entryCount = Int64(list.entryCount)
        message.agents = list.agents.map { share in
            var agent = Hearth_Campaign_V1_AgentShare()
            agent.agentOperatorID = share.agentOperatorID.uuidString.lowercased()
            agent.entryCount = Int64(share.entryCount)
            return agent
        }
        message.createdAt = Google_Protobuf_Timestamp(date: list.createdAt)
        return message
    }

    static func entry(_ entry: CallListEntry) -> Hearth_Campaign_V1_CallListEntry {
        var message = Hearth_Campaign_V1_CallListEntry()
        message.entryID = entry.id.description
        message.callListID = entry.callListID.description
        message.memberID = entry.recipient.memberID.description
        message.displayName = entry.recipient.displayName ?? ""
        message.phone = entry.recipient.phone ?? ""
        message.agentOperatorID = entry.agentOperatorID.uuidString.lowercased()
        message.outcome = callOutcome(entry.outcome)
        message.note = entry.note ?? ""
        message.attempts = Int32(clamping: entry.attempts)
        if let calledAt = entry.calledAt { message.calledAt = Google_Protobuf_Timestamp(date: calledAt) }
        return message
    }

    static func callOutcome(_ outcome: CallOutcome) -> Hearth_Common_V1_CallOutcome {
        switch outcome {
        case .pending: .pending
        case .notReached: .notReached
        case .declined: .declined
        case .invited: .invited
        case .joined: .joined
        }
    }

    static func sourceChannelMessage(_ channel: SourceChannel) -> Hearth_Common_V1_SourceChannel {
        switch channel {
        case .qrPoster: .qrPoster
        case .phoneInvite: .phoneInvite
        case .officialAccount: .officialAccount
        case .weibo: .weibo
        case .offlineSales: .offlineSales
        case .referral: .referral
        case .import: .import
        case .other: .other
        }
    }

    // MARK: Messages to domain

    /// `nil` for UNSPECIFIED; a value this service does not know is INVALID_ARGUMENT naming `field`.
    static func callOutcome(_ outcome: Hearth_Common_V1_CallOutcome, field: String) throws(RPCError) -> CallOutcome? {
        switch outcome {
        case .unspecified: nil
        case .pending: .pending
        case .notReached: .notReached
        case .declined: .declined
        case .invited: .invited
        case .joined: .joined
        case .UNRECOGNIZED(let value): throw CampaignMessages.unknown(value, field: field)
        }
    }

    /// What a RecordCallOutcome records: given, and not PENDING (where entries start).
    static func recordedOutcome(_ outcome: Hearth_Common_V1_CallOutcome) throws(RPCError) -> CallOutcome {
        let choices = CallOutcome.recordable.map(\.rawValue).joined(separator: ", ")
        guard let recorded = try callOutcome(outcome, field: "outcome") else {
            throw CampaignMessages.missing("outcome", "say what the call came to: \(choices)")
        }
        guard recorded != .pending else {
            throw CampaignMessages.outOfRange(
                "outcome", "PENDING is where every entry starts, not what a call came to; record one of \(choices)")
        }
        return recorded
    }

    /// A filter's outcomes, each once; UNSPECIFIED is refused naming its position.
    static func outcomes(_ values: [Hearth_Common_V1_CallOutcome]) throws(RPCError) -> [CallOutcome] {
        var outcomes: [CallOutcome] = []
        for (index, value) in values.enumerated() {
            let field = "outcomes[\(index)]"
            guard let outcome = try callOutcome(value, field: field) else {
                throw CampaignMessages.missing(
                    field,
                    "\(field) is UNSPECIFIED; name an outcome: "
                        + CallOutcome.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if !outcomes.contains(outcome) { outcomes.append(outcome) }
        }
        return outcomes
    }

    /// A source channel as member-service answered it: `nil` for UNSPECIFIED, and for a value this
    /// service does not know yet (the link still works; only its source is not shown).
    static func sourceChannel(_ channel: Hearth_Common_V1_SourceChannel) -> SourceChannel? {
        switch channel {
        case .unspecified, .UNRECOGNIZED: nil
        case .qrPoster: .qrPoster
        case .phoneInvite: .phoneInvite
        case .officialAccount: .officialAccount
        case .weibo: .weibo
        case .offlineSales: .offlineSales
        case .referral: .referral
        case .import: .import
        case .other: .other
        }
    }

    /// A request's source channel: `nil` for UNSPECIFIED; an unknown value is INVALID_ARGUMENT.
    static func requestedSourceChannel(_ channel: Hearth_Common_V1_SourceChannel, field: String) throws(RPCError)
        -> SourceChannel?
    {
        if case .UNRECOGNIZED(let value) = channel { throw CampaignMessages.unknown(value, field: field) }
        return sourceChannel(channel)
    }

    static func callListID(_ text: String, field: String = "call_list_id") throws(RPCError) -> CallListID {
        guard let id = CallListID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "call list") }
        return id
    }

    static func entryID(_ text: String, field: String = "entry_id") throws(RPCError) -> CallListEntryID {
        guard let id = CallListEntryID(text) else {
            throw CampaignMessages.invalidID(text, field: field, what: "call list entry")
        }
        return id
    }

    /// The agents a BuildCallList names, each an operator id (a UUID).
    static func agentIDs(_ texts: [String]) throws(RPCError) -> [UUID] {
        var ids: [UUID] = []
        for (index, text) in texts.enumerated() {
            ids.append(try CampaignMessages.uuid(text, field: "agent_operator_ids[\(index)]", what: "operator"))
        }
        return ids
    }

    /// `nil` for 0 (the whole audience).
    static func maxEntries(_ value: Int64) throws(RPCError) -> Int? {
        guard value >= 0 else {
            throw CampaignMessages.outOfRange(
                "max_entries", "max_entries is 0 (the whole audience) or the most entries to build, not \(value)")
        }
        return value == 0 ? nil : Int(clamping: value)
    }

    /// `nil` when empty.
    static func idempotencyKey(_ text: String) throws(RPCError) -> String? {
        guard !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= maximumIdempotencyKeyLength else {
            throw CampaignMessages.outOfRange(
                "idempotency_key", "an idempotency key has at most \(maximumIdempotencyKeyLength) characters")
        }
        return text
    }

    /// Trimmed; `nil` when empty.
    static func note(_ text: String) throws(RPCError) -> String? {
        let trimmed = text.trimmedOfWhitespace
        guard !trimmed.isEmpty else { return nil }
        do throws(DomainError) {
            try CallListEntry.validateNote(trimmed)
        } catch {
            throw CampaignMessages.invalid(error, field: "note", reason: "out_of_range")
        }
        return trimmed
    }

    static func pageSize(_ page: Hearth_Common_V1_PageRequest) -> Int {
        page.pageSize <= 0 ? 50 : Int(min(page.pageSize, 500))
    }

    // MARK: Who works which entries

    /// The operator id an agent's token names: their entries are assigned to it, so it must be one.
    static func agentID(of caller: RPCCaller) throws(RPCError) -> UUID {
        guard let id = UUID(uuidString: caller.operatorID) else {
            throw RPCError(
                code: .permissionDenied,
                message: "this agent token names \"\(caller.operatorID)\", not an operator id, so it holds no call "
                    + "list entries; issue the agent's token with `hearth token issue --role agent --operator "
                    + "OPERATOR_ID`")
        }
        return id
    }

    /// Whose entries a caller works on: an agent only their own (PERMISSION_DENIED when asking for
    /// another agent's); an operator or admin the `requested` agent's, or everyone's.
    static func agentScope(of caller: RPCCaller, requested: UUID?) throws(RPCError) -> UUID? {
        guard caller.role == .agent else { return requested }
        let own = try agentID(of: caller)
        if let requested, requested != own {
            throw RPCError(
                code: .permissionDenied,
                message: "an agent sees only their own call list entries; leave agent_operator_id empty, or ask an "
                    + "operator for another agent's")
        }
        return own
    }
}
