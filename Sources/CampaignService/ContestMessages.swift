import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the contest messages and the domain, in one place.
///
/// Problems with a request are INVALID_ARGUMENT naming the field, with the reasons of
/// ``CampaignMessages`` (`missing_field`, `invalid_id`, `unknown_enum_value`, `out_of_range`) plus
/// `title_invalid`, `content_invalid`, `media_invalid` and `media_url_invalid`. Refusals the state
/// causes carry the reason of ``ContestEntry/Refusal``: ALREADY_EXISTS for a second entry or vote,
/// FAILED_PRECONDITION otherwise.
enum ContestMessages {
    // MARK: Domain to messages

    static func entry(_ entry: ContestEntry) -> Hearth_Campaign_V1_ContestEntry {
        var message = Hearth_Campaign_V1_ContestEntry()
        message.entryID = entry.id.description
        message.campaignID = entry.campaignID.description
        message.memberID = entry.memberID.description
        message.title = entry.title
        message.content = entry.content
        message.mediaUrls = entry.mediaLinks
        message.voteCount = entry.voteCount
        message.judgeScore = entry.judgeScore ?? 0
        message.judgeCount = Int32(clamping: entry.judgeCount)
        message.winnerRank = Int32(clamping: entry.winnerRank ?? 0)
        message.submittedAt = Google_Protobuf_Timestamp(date: entry.submittedAt)
        return message
    }

    /// A refusal as the status clients see: its code, message and stable reason.
    static func status(_ refusal: ContestEntry.Refusal) -> RPCError {
        RPCError(
            code: refusal.code == .alreadyExists ? .alreadyExists : .failedPrecondition, message: refusal.message,
            reason: refusal.reason.rawValue)
    }

    // MARK: Messages to domain

    /// A new entry from a SubmitContestEntry request, checked field by field: the title and content
    /// trimmed, every media link an http(s) link (`media_urls[i]`).
    static func newEntry(_ request: Hearth_Campaign_V1_SubmitContestEntryRequest) throws(RPCError) -> ContestEntry {
        let campaign = try CampaignMessages.campaignID(request.campaignID)
        let member = try TaskMessages.memberID(request.memberID)
        let title: String
        do throws(DomainError) {
            title = try ContestEntry.checkedTitle(request.title)
        } catch {
            throw CampaignMessages.invalid(error, field: "title", reason: "title_invalid")
        }
        let content = request.content.trimmedOfWhitespace
        do throws(DomainError) {
            try ContestEntry.checkContent(content)
        } catch {
            throw CampaignMessages.invalid(error, field: "content", reason: "content_invalid")
        }
        do throws(DomainError) {
            try ContestEntry.checkMediaLinkCount(request.mediaUrls.count)
        } catch {
            throw CampaignMessages.invalid(error, field: "media_urls", reason: "media_invalid")
        }
        var links: [String] = []
        for (index, link) in request.mediaUrls.enumerated() {
            let trimmed = link.trimmedOfWhitespace
            do throws(DomainError) {
                try ContestEntry.checkMediaLink(trimmed)
            } catch {
                throw CampaignMessages.invalid(error, field: "media_urls[\(index)]", reason: "media_url_invalid")
            }
            links.append(trimmed)
        }
        return ContestEntry(campaignID: campaign, memberID: member, title: title, content: content, mediaLinks: links)
    }

    static func entryID(_ text: String, field: String = "entry_id") throws(RPCError) -> ContestEntryID {
        guard !text.isEmpty else { throw CampaignMessages.missing(field, "\(field) is required: name the entry") }
        guard let id = ContestEntryID(text) else {
            throw CampaignMessages.invalidID(text, field: field, what: "contest entry")
        }
        return id
    }

    /// UNSPECIFIED is RANKING.
    static func order(_ value: Hearth_Campaign_V1_ContestEntryOrder) throws(RPCError) -> ContestStore.Order {
        switch value {
        case .unspecified, .ranking: .ranking
        case .submittedAt: .submission
        case .UNRECOGNIZED(let raw): throw CampaignMessages.unknown(raw, field: "order_by")
        }
    }

    /// A judge's score (0 to 100) and comment (trimmed; `nil` when empty).
    static func score(_ score: Double, comment: String) throws(RPCError) -> (score: Double, comment: String?) {
        let remark = comment.trimmedOfWhitespace
        do throws(DomainError) {
            try ContestEntry.checkScore(score, comment: "")
        } catch {
            throw CampaignMessages.outOfRange("score", error.message)
        }
        do throws(DomainError) {
            try ContestEntry.checkScore(score, comment: remark)
        } catch {
            throw CampaignMessages.outOfRange("comment", error.message)
        }
        return (score, remark.isEmpty ? nil : remark)
    }
}
