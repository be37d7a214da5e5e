import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import SwiftProtobuf

/// Mapping between the task messages and the domain, in one place.
///
/// Problems with a request are INVALID_ARGUMENT naming the field, with the reasons of
/// ``CampaignMessages`` (`missing_field`, `invalid_id`, `unknown_enum_value`, `out_of_range`,
/// `reward_invalid`) plus `title_invalid`, `details_invalid`, `claim_window_invalid`,
/// `proof_invalid`, `proof_url_invalid`, `decision_invalid` and `review_note_invalid`. Refusals the
/// state causes are FAILED_PRECONDITION with the reason of ``CampaignTask/Refusal``.
enum TaskMessages {
    // MARK: Domain to messages

    static func task(_ task: CampaignTask) -> Hearth_Campaign_V1_CampaignTask {
        var message = Hearth_Campaign_V1_CampaignTask()
        message.taskID = task.id.description
        message.campaignID = task.campaignID.description
        message.title = task.title
        message.details = task.details
        if let reward = task.reward { message.reward = CampaignMessages.reward(reward) }
        message.proofRequired = task.proofRequired
        message.maxClaimsPerMember = Int32(clamping: task.maxClaimsPerMember)
        if task.claimWindowStart != nil || task.claimWindowEnd != nil {
            var window = Hearth_Common_V1_TimeRange()
            if let start = task.claimWindowStart { window.start = Google_Protobuf_Timestamp(date: start) }
            if let end = task.claimWindowEnd { window.end = Google_Protobuf_Timestamp(date: end) }
            message.claimWindow = window
        }
        message.createdAt = Google_Protobuf_Timestamp(date: task.createdAt)
        return message
    }

    static func claim(_ claim: TaskClaim) -> Hearth_Campaign_V1_TaskClaim {
        var message = Hearth_Campaign_V1_TaskClaim()
        message.claimID = claim.id.description
        message.taskID = claim.taskID.description
        message.memberID = claim.memberID.description
        message.proofText = claim.proof.text
        message.proofUrls = claim.proof.links
        message.status = status(claim.status)
        message.reviewNote = claim.reviewNote ?? ""
        message.reviewedByOperatorID = claim.reviewedBy ?? ""
        message.submittedAt = Google_Protobuf_Timestamp(date: claim.submittedAt)
        if let reviewedAt = claim.reviewedAt { message.reviewedAt = Google_Protobuf_Timestamp(date: reviewedAt) }
        return message
    }

    static func status(_ status: TaskClaim.Status) -> Hearth_Campaign_V1_ClaimStatus {
        switch status {
        case .submitted: .submitted
        case .approved: .approved
        case .rejected: .rejected
        }
    }

    /// A refusal as the status clients see: FAILED_PRECONDITION, its message and stable reason.
    static func status(_ refusal: CampaignTask.Refusal) -> RPCError {
        RPCError(code: .failedPrecondition, message: refusal.message, reason: refusal.reason.rawValue)
    }

    // MARK: Messages to domain

    /// A new task from a CreateTask request, checked field by field. `max_claims_per_member` 0
    /// means 1; an unset reward is none; unset window bounds follow the campaign's period.
    static func newTask(_ request: Hearth_Campaign_V1_CreateTaskRequest) throws(RPCError) -> CampaignTask {
        let campaign = try CampaignMessages.campaignID(request.campaignID)
        let title: String
        do throws(DomainError) {
            title = try CampaignTask.checkedTitle(request.title)
        } catch {
            throw CampaignMessages.invalid(error, field: "title", reason: "title_invalid")
        }
        do throws(DomainError) {
            try CampaignTask.checkDetails(request.details)
        } catch {
            throw CampaignMessages.invalid(error, field: "details", reason: "details_invalid")
        }
        var reward: Reward?
        if request.hasReward { reward = try CampaignMessages.reward(request.reward, field: "reward") }
        let limit: Int
        do throws(DomainError) {
            limit = try CampaignTask.checkedClaimLimit(Int(request.maxClaimsPerMember))
        } catch {
            throw CampaignMessages.outOfRange("max_claims_per_member", error.message)
        }
        let start = request.hasClaimWindow && request.claimWindow.hasStart ? request.claimWindow.start.date : nil
        let end = request.hasClaimWindow && request.claimWindow.hasEnd ? request.claimWindow.end.date : nil
        do throws(DomainError) {
            try CampaignTask.checkClaimWindow(start: start, end: end)
        } catch {
            throw CampaignMessages.invalid(error, field: "claim_window", reason: "claim_window_invalid")
        }
        return CampaignTask(
            campaignID: campaign, title: title, details: request.details, reward: reward,
            proofRequired: request.proofRequired, maxClaimsPerMember: limit, claimWindowStart: start,
            claimWindowEnd: end)
    }

    static func taskID(_ text: String, field: String = "task_id") throws(RPCError) -> CampaignTaskID {
        guard !text.isEmpty else { throw CampaignMessages.missing(field, "\(field) is required: name the task") }
        guard let id = CampaignTaskID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "task") }
        return id
    }

    static func claimID(_ text: String, field: String = "claim_id") throws(RPCError) -> TaskClaimID {
        guard !text.isEmpty else { throw CampaignMessages.missing(field, "\(field) is required: name the claim") }
        guard let id = TaskClaimID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "claim") }
        return id
    }

    static func memberID(_ text: String, field: String = "member_id") throws(RPCError) -> MemberID {
        guard !text.isEmpty else { throw CampaignMessages.missing(field, "\(field) is required: name the member") }
        guard let id = MemberID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "member") }
        return id
    }

    /// The proof of a claim: the text trimmed, the links trimmed and each checked (`proof_urls[i]`).
    static func proof(text: String, links: [String]) throws(RPCError) -> TaskClaim.Proof {
        let trimmedText = text.trimmedOfWhitespace
        do throws(DomainError) {
            try TaskClaim.Proof.checkText(trimmedText)
        } catch {
            throw CampaignMessages.invalid(error, field: "proof_text", reason: "proof_invalid")
        }
        do throws(DomainError) {
            try TaskClaim.Proof.checkLinkCount(links.count)
        } catch {
            throw CampaignMessages.invalid(error, field: "proof_urls", reason: "proof_invalid")
        }
        var checked: [String] = []
        for (index, link) in links.enumerated() {
            let trimmed = link.trimmedOfWhitespace
            do throws(DomainError) {
                try TaskClaim.Proof.checkLink(trimmed)
            } catch {
                throw CampaignMessages.invalid(error, field: "proof_urls[\(index)]", reason: "proof_url_invalid")
            }
            checked.append(trimmed)
        }
        return TaskClaim.Proof(text: trimmedText, links: checked)
    }

    /// APPROVED or REJECTED; anything else is INVALID_ARGUMENT.
    static func decision(_ status: Hearth_Campaign_V1_ClaimStatus) throws(RPCError) -> TaskClaim.Decision {
        switch status {
        case .approved: return .approve
        case .rejected: return .reject
        case .unspecified: throw CampaignMessages.missing("decision", "decision is required: APPROVED or REJECTED")
        case .submitted:
            throw RPCError(
                code: .invalidArgument,
                message: "decision: a review approves or rejects a claim (APPROVED or REJECTED)",
                reason: "decision_invalid", fields: ["decision": "APPROVED or REJECTED"])
        case .UNRECOGNIZED(let value): throw CampaignMessages.unknown(value, field: "decision")
        }
    }

    /// The note trimmed (`nil` when empty); a rejection needs one.
    static func note(_ text: String, for decision: TaskClaim.Decision) throws(RPCError) -> String? {
        do throws(DomainError) {
            return try TaskClaim.checkedNote(text, for: decision)
        } catch {
            throw CampaignMessages.invalid(error, field: "review_note", reason: "review_note_invalid")
        }
    }

    /// A filter's statuses; UNSPECIFIED entries are left out (empty: every status).
    static func statuses(_ values: [Hearth_Campaign_V1_ClaimStatus]) throws(RPCError) -> [TaskClaim.Status] {
        var statuses: [TaskClaim.Status] = []
        for value in values {
            let status: TaskClaim.Status
            switch value {
            case .unspecified: continue
            case .submitted: status = .submitted
            case .approved: status = .approved
            case .rejected: status = .rejected
            case .UNRECOGNIZED(let raw): throw CampaignMessages.unknown(raw, field: "statuses")
            }
            if !statuses.contains(status) { statuses.append(status) }
        }
        return statuses
    }

    /// `nil` when empty.
    static func idempotencyKey(_ text: String) throws(RPCError) -> String? {
        guard !text.isEmpty else { return nil }
        guard text.unicodeScalars.count <= 200 else {
            throw CampaignMessages.outOfRange("idempotency_key", "an idempotency key has at most 200 characters")
        }
        return text
    }

    /// The operator a review, score or declaration is recorded under, as the caller's token names
    /// them; a token naming nobody is PERMISSION_DENIED (`operator_unknown`): the record must say who.
    static func actor(_ caller: RPCCaller) throws(RPCError) -> String {
        guard (1...200).contains(caller.operatorID.unicodeScalars.count) else {
            throw RPCError(
                code: .permissionDenied,
                message: "this access token names no operator (or one longer than 200 characters); reviews, scores "
                    + "and winners are recorded with who made them, so issue a token with `hearth token issue "
                    + "--operator`",
                reason: "operator_unknown")
        }
        return caller.operatorID
    }

    static func pageSize(_ page: Hearth_Common_V1_PageRequest) -> Int {
        page.pageSize <= 0 ? 50 : Int(min(page.pageSize, 500))
    }
}
