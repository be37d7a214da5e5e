import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Mapping between the lottery messages and the store's records, in one place.
///
/// Problems with a request are INVALID_ARGUMENT naming the field, with the reasons of
/// ``CampaignMessages`` (`missing_field`, `invalid_id`) plus `invalid_cursor`.
enum LotteryMessages {
    // MARK: Records to messages

    /// The public state: the seed only once revealed, times and digests only once they exist.
    static func state(_ record: LotteryRecord) -> Hearth_Campaign_V1_LotteryState {
        var message = Hearth_Campaign_V1_LotteryState()
        message.campaignID = record.campaignID.description
        message.algorithm = record.algorithm
        message.seedHash = record.seedHash ?? ""
        if let committedAt = record.committedAt { message.committedAt = Google_Protobuf_Timestamp(date: committedAt) }
        if let rules = record.rules { message.entriesCloseAt = Google_Protobuf_Timestamp(date: rules.entriesCloseAt) }
        message.entryCount = record.entryCount
        message.entriesDigest = record.entriesDigest ?? ""
        if let drawnAt = record.drawnAt { message.drawnAt = Google_Protobuf_Timestamp(date: drawnAt) }
        message.winners = record.winners.map(winner)
        if let revealedAt = record.revealedAt, let seed = record.seed {
            message.seed = LotteryDraw.hex(seed)
            message.revealedAt = Google_Protobuf_Timestamp(date: revealedAt)
        }
        return message
    }

    static func entry(_ record: LotteryEntryRecord) -> Hearth_Campaign_V1_LotteryEntry {
        var message = Hearth_Campaign_V1_LotteryEntry()
        message.entryNumber = record.entryNumber
        message.memberID = record.memberID.description
        message.enteredAt = Google_Protobuf_Timestamp(date: record.enteredAt)
        return message
    }

    static func winner(_ winner: LotteryDraw.Winner) -> Hearth_Campaign_V1_LotteryWinner {
        var message = Hearth_Campaign_V1_LotteryWinner()
        message.rank = Int32(clamping: winner.rank)
        message.entryNumber = winner.entryNumber
        message.memberID = winner.memberID.description
        message.prize = winner.prize
        return message
    }

    static func verification(_ verification: LotteryDraw.Verification) -> Hearth_Campaign_V1_VerifyLotteryResponse {
        var message = Hearth_Campaign_V1_VerifyLotteryResponse()
        message.seedMatchesCommitment = verification.seedMatchesCommitment
        message.entriesMatchDigest = verification.entriesMatchDigest
        message.winnersMatch = verification.winnersMatch
        message.recomputedWinners = verification.recomputedWinners.map(winner)
        return message
    }

    // MARK: Requests

    /// The member a request enters; required.
    static func memberID(_ text: String, field: String = "member_id") throws(RPCError) -> MemberID {
        guard !text.isEmpty else {
            throw CampaignMessages.missing(field, "\(field): name the member to enter")
        }
        guard let id = MemberID(text) else { throw CampaignMessages.invalidID(text, field: field, what: "member") }
        return id
    }

    /// A ListLotteryEntries cursor that names no entry of this lottery.
    static func foreignCursor() -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor ListLotteryEntries issued for this lottery",
            reason: "invalid_cursor", fields: ["page.cursor": "not issued by ListLotteryEntries for this lottery"])
    }
}
