import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Events: what members did, each recorded once however often a sender retries.
extension MemberAPI {
    /// Most events one RecordEvents call takes.
    static let maximumEventBatch = 5_000

    public func recordEvents(
        request: Hearth_Member_V1_RecordEventsRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_RecordEventsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard (1...Self.maximumEventBatch).contains(request.events.count) else {
                throw RPCError(
                    code: .invalidArgument,
                    message: "a batch holds 1 to \(Self.maximumEventBatch) events, not \(request.events.count)",
                    reason: "batch_size", fields: ["events": "1 to \(Self.maximumEventBatch)"])
            }
            let results = try await recordBatch(request.events, tenant: caller.tenant, dryRun: false)
            var response = Hearth_Member_V1_RecordEventsResponse()
            response.results = results
            response.acceptedCount = Int32(results.count { $0.outcome == .accepted })
            response.duplicateCount = Int32(results.count { $0.outcome == .duplicate })
            response.rejectedCount = Int32(results.count { $0.outcome == .rejected })
            return response
        }
    }

    /// Records a batch and gives each input its outcome: handles resolved in one query, every event
    /// validated, the valid ones stored in one statement after one probe that checks and locks their
    /// members. A dry run does all
    /// of it and rolls the store back.
    func recordBatch(
        _ inputs: [Hearth_Member_V1_EventInput], tenant: TenantID, dryRun: Bool
    ) async throws -> [Hearth_Member_V1_EventResult] {
        do {
            var results = [Hearth_Member_V1_EventResult](repeating: .init(), count: inputs.count)
            let region = try await phoneRegions.region(of: tenant)
            func reject(_ index: Int, _ code: String, _ reason: String) {
                results[index].outcome = .rejected
                results[index].reasonCode = code
                results[index].reason = reason
            }

            // Who each event is about: ids are checked, handles looked up, all in two queries.
            var handles: [Int: MemberHandle] = [:]
            var ids: [Int: MemberID] = [:]
            for (index, input) in inputs.enumerated() {
                switch input.member {
                case .memberID(let text):
                    guard let id = MemberID(text) else {
                        reject(index, "member_id_invalid", "member_id \"\(text)\" is not a member id")
                        continue
                    }
                    ids[index] = id
                case .identity(let identity):
                    do {
                        handles[index] = try EventMessages.handle(identity, region: region)
                    } catch {
                        reject(index, "identity_invalid", error.message)
                    }
                case nil:
                    reject(index, "member_missing", "the event names no member (member_id or identity)")
                }
            }
            // Ids are checked where the events are stored, by the probe that locks their members.
            let holders = try await members.holders(of: Set(handles.values), tenant: tenant)
            func rejectUnknownMember(_ index: Int) {
                let reason =
                    if let id = ids[index] {
                        "this tenant has no member \(id)"
                    } else if let handle = handles[index] {
                        "no member of this tenant holds \(handle.kind) \(handle.value)"
                    } else {
                        "no member of this tenant matches the event's member"
                    }
                reject(index, "member_unknown", reason + "; create or import the member first")
            }

            var events: [(index: Int, event: MemberEvent)] = []
            for (index, input) in inputs.enumerated() where results[index].outcome != .rejected {
                guard let member = ids[index] ?? handles[index].flatMap({ holders[$0] }) else {
                    rejectUnknownMember(index)
                    continue
                }
                do {
                    events.append((index, try EventMessages.event(input, member: member, tenant: tenant)))
                } catch let error as RPCError {
                    reject(
                        index, error.metadata[stringValues: "reason"].first(where: { _ in true }) ?? "invalid",
                        error.message)
                }
            }
            let stored = try await self.events.recordReportingEach(
                events.map(\.event), tenant: tenant, dryRun: dryRun)
            // The event standing for a key is the one stored; any other with that key and the same
            // facts (a retry, or a repeat inside this batch) is its duplicate, and one with other
            // facts is refused: a key reused for another event would otherwise vanish as a retry.
            for (index, event) in events {
                if stored.unknownMembers.contains(event.memberID) {
                    if handles[index] != nil {
                        // The handle's holder was merged away or erased after it was looked up.
                        reject(index, "not_stored", "the member holding this handle changed meanwhile; send it again")
                    } else {
                        rejectUnknownMember(index)
                    }
                    continue
                }
                guard let standing = stored.standing[event.idempotencyKey] else {
                    reject(index, "not_stored", "the event was not stored; send it again")
                    continue
                }
                let isStanding = standing.stored && standing.eventID == event.id
                guard isStanding || standing.matches(event) else {
                    reject(
                        index, "idempotency_key_reused",
                        "idempotency key \(event.idempotencyKey) already names another event ("
                            + "\(standing.kind?.rawValue ?? "an event") of member \(standing.memberID?.description ?? "?")"
                            + "\(standing.occurredAt.map { " at " + $0.formatted(Date.ISO8601FormatStyle()) } ?? "")"
                            + "); give each event its own key")
                    continue
                }
                results[index].outcome = isStanding ? .accepted : .duplicate
                results[index].eventID = standing.eventID.description
            }
            return results
        }
    }
}

/// Mapping between event messages and the domain.
enum EventMessages {
    static func handle(_ identity: Hearth_Member_V1_IdentityRef, region: PhoneRegion) throws(RPCError) -> MemberHandle {
        let value = identity.value.trimmingCharacters(in: .whitespaces)
        switch identity.kind {
        case .phone:
            do {
                return MemberHandle(
                    kind: "phone", value: try PhoneNumber(parsing: value, defaultRegion: region).description)
            } catch {
                throw RPCError(code: .invalidArgument, message: error.message)
            }
        case .wechat: return MemberHandle(kind: "wechat", value: value)
        case .qq: return MemberHandle(kind: "qq", value: value)
        case .dingtalk: return MemberHandle(kind: "dingtalk", value: value)
        case .email: return MemberHandle(kind: "email", value: value.lowercased())
        case .unspecified, .UNRECOGNIZED:
            throw RPCError(code: .invalidArgument, message: "the identity has no kind")
        }
    }

    /// The domain event for one input; a problem is an RPCError whose `reason` metadata is the
    /// stable reason code.
    static func event(_ input: Hearth_Member_V1_EventInput, member: MemberID, tenant: TenantID) throws -> MemberEvent {
        func invalid(_ code: String, _ message: String) -> RPCError {
            RPCError(code: .invalidArgument, message: message, metadata: ["reason": .string(code)])
        }
        guard let kind = eventKind(input.kind) else { throw invalid("kind_missing", "the event has no kind") }
        guard input.hasOccurredAt else { throw invalid("occurred_at_missing", "the event has no occurred_at") }
        let latest = Date().addingTimeInterval(MemberEvent.allowedClockSkew)
        guard input.occurredAt.date <= latest else {
            let format = Date.ISO8601FormatStyle()
            throw invalid(
                "occurred_in_future",
                "occurred_at \(input.occurredAt.date.formatted(format)) lies in the future (now "
                    + "\(Date().formatted(format))); check its date and time zone")
        }
        guard !input.idempotencyKey.isEmpty, input.idempotencyKey.utf8.count <= 200 else {
            throw invalid("idempotency_key_invalid", "the idempotency key must have 1 to 200 bytes")
        }
        if kind == .purchase, !input.hasAmountFen {
            throw invalid("amount_missing", "a purchase needs amount_fen")
        }
        if kind != .purchase, input.hasAmountFen {
            throw invalid("amount_unexpected", "only purchases carry amount_fen")
        }
        /// An optional id: empty is none; anything else must be a UUID, never quietly dropped.
        func optionalID(_ text: String, _ name: String) throws -> UUID? {
            guard !text.isEmpty else { return nil }
            guard let id = UUID(uuidString: text) else {
                throw invalid("\(name)_invalid", "\(name) \"\(text)\" is not an id (a UUID)")
            }
            return id
        }
        let feedback: MemberEvent.Feedback?
        switch input.feedbackStatus {
        case .unspecified: feedback = kind == .feedback ? .open : nil
        case .open: feedback = .open
        case .resolved: feedback = .resolved(openKey: input.resolvesIdempotencyKey)
        case .UNRECOGNIZED(let value): throw invalid("feedback_status_invalid", "feedback status \(value) is unknown")
        }
        if !input.resolvesIdempotencyKey.isEmpty, input.feedbackStatus != .resolved {
            throw invalid("resolves_unexpected", "only a resolved feedback names the key it resolves")
        }
        var properties: Data?
        if input.hasProperties, !input.properties.fields.isEmpty {
            do {
                properties = try input.properties.jsonUTF8Data()
            } catch {
                throw invalid("properties_invalid", "the event's properties cannot be written as JSON: \(error)")
            }
        }
        let event = MemberEvent(
            tenantID: tenant, memberID: member, kind: kind, occurredAt: input.occurredAt.date,
            amountFen: input.hasAmountFen ? input.amountFen : nil,
            communityID: try optionalID(input.communityID, "community_id"),
            campaignID: try optionalID(input.campaignID, "campaign_id"),
            idempotencyKey: input.idempotencyKey, feedback: feedback, propertiesJSON: properties)
        do {
            try event.validate()
        } catch {
            throw invalid("invalid", error.message)
        }
        return event
    }

    static func eventKind(_ kind: Hearth_Common_V1_EventKind) -> EventKind? {
        switch kind {
        case .message: .message
        case .checkIn: .checkIn
        case .share: .share
        case .referral: .referral
        case .purchase: .purchase
        case .campaignParticipation: .campaignParticipation
        case .visit: .visit
        case .feedback: .feedback
        case .join: .join
        case .leave: .leave
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}
