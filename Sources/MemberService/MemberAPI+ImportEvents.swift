import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

extension MemberAPI {
    /// Imports events from a file the client parsed: each batch goes through the same path as
    /// RecordEvents, so a row's outcome (accepted, duplicate, rejected with its reason) is the one
    /// RecordEvents would give, and a re-run of the file is all duplicates.
    public func importEvents(
        request: RPCAsyncSequence<Hearth_Member_V1_ImportEventsRequest, any Error>,
        response: RPCWriter<Hearth_Member_V1_ImportEventsResponse>,
        context: ServerContext
    ) async throws {
        try await handle {
            let caller = try RPCCaller.current()
            var messages = request.makeAsyncIterator()
            guard case .options(let options)? = try await messages.next()?.item else {
                throw RPCError(
                    code: .invalidArgument, message: "an import starts with one message of options, then row batches",
                    reason: "options_missing")
            }
            var progress = Hearth_Member_V1_ImportProgress()
            var summary = Hearth_Member_V1_EventImportSummary()
            summary.dryRun = options.dryRun
            var lastRowNumber = Int64.min
            while let message = try await messages.next() {
                guard case .batch(let batch)? = message.item else {
                    throw RPCError(
                        code: .invalidArgument, message: "options may come only once, in the first message",
                        reason: "options_repeated")
                }
                guard batch.rows.count <= Self.importBatchLimit else {
                    throw RPCError(
                        code: .invalidArgument,
                        message: "a batch may hold \(Self.importBatchLimit) rows, this one has \(batch.rows.count)",
                        reason: "batch_too_large")
                }
                for row in batch.rows {
                    guard row.rowNumber > lastRowNumber else {
                        throw RPCError(
                            code: .invalidArgument,
                            message: "row numbers must increase; row \(row.rowNumber) came after \(lastRowNumber)",
                            reason: "row_number_order")
                    }
                    lastRowNumber = row.rowNumber
                }
                guard !batch.rows.isEmpty else { continue }
                let results = try await recordBatch(
                    batch.rows.map(\.event), tenant: caller.tenant, dryRun: options.dryRun)
                var rejects = Hearth_Member_V1_ImportRejects()
                for (row, result) in zip(batch.rows, results) {
                    switch result.outcome {
                    case .accepted: summary.accepted += 1
                    case .duplicate: summary.duplicate += 1
                    default:
                        rejects.rows.append(
                            .with {
                                $0.rowNumber = row.rowNumber
                                $0.reasonCode = result.reasonCode
                                $0.reason = result.reason
                            })
                    }
                }
                progress.rowsReceived += Int64(batch.rows.count)
                progress.rowsRejected += Int64(rejects.rows.count)
                progress.rowsStaged = progress.rowsReceived - progress.rowsRejected
                if !rejects.rows.isEmpty { try await response.write(.with { $0.rejects = rejects }) }
                try await response.write(.with { $0.progress = progress })
            }
            summary.rowsReceived = progress.rowsReceived
            summary.rejected = progress.rowsRejected
            try await response.write(.with { $0.summary = summary })
        }
    }

    public func listEvents(
        request: Hearth_Member_V1_ListEventsRequest, context: ServerContext
    ) async throws -> Hearth_Member_V1_ListEventsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let filter = request.filter
            func optionalID(_ text: String, _ field: String) throws(RPCError) -> UUID? {
                guard !text.isEmpty else { return nil }
                guard let id = UUID(uuidString: text) else {
                    throw RPCError(
                        code: .invalidArgument, message: "filter.\(field) \"\(text)\" is not an id (a UUID)",
                        reason: "invalid_id", fields: ["filter.\(field)": "not a UUID"])
                }
                return id
            }
            var query = EventQuery()
            query.member = try optionalID(filter.memberID, "member_id").map(MemberID.init)
            query.community = try optionalID(filter.communityID, "community_id")
            query.campaign = try optionalID(filter.campaignID, "campaign_id")
            query.kinds = filter.kinds.compactMap(EventMessages.eventKind)
            if filter.hasOccurred {
                if filter.occurred.hasStart { query.from = filter.occurred.start.date }
                if filter.occurred.hasEnd { query.until = filter.occurred.end.date }
            }
            let cursor = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListEvents").map {
                EventCursor(occurredAt: $0.0, eventID: EventID($0.1[0]))
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let page = try await events.list(tenant: caller.tenant, matching: query, after: cursor, limit: pageSize)
            var response = Hearth_Member_V1_ListEventsResponse()
            response.events = page.events.map(EventMessages.message)
            if page.more, let last = page.events.last {
                response.page.nextCursor = PageCursor.encode(last.occurredAt, last.id.description)
            }
            return response
        }
    }
}

extension EventMessages {
    static func message(_ event: MemberEvent) -> Hearth_Member_V1_Event {
        var message = Hearth_Member_V1_Event()
        message.eventID = event.id.description
        message.memberID = event.memberID.description
        message.kind = eventKind(event.kind)
        message.occurredAt = Google_Protobuf_Timestamp(date: event.occurredAt)
        if let amount = event.amountFen { message.amountFen = amount }
        message.communityID = event.communityID?.uuidString.lowercased() ?? ""
        message.campaignID = event.campaignID?.uuidString.lowercased() ?? ""
        message.idempotencyKey = event.idempotencyKey
        switch event.feedback {
        case .open: message.feedbackStatus = .open
        case .resolved(let key):
            message.feedbackStatus = .resolved
            message.resolvesIdempotencyKey = key
        case nil: break
        }
        if let json = event.propertiesJSON, let properties = try? Google_Protobuf_Struct(jsonUTF8Data: json) {
            message.properties = properties
        }
        return message
    }

    static func eventKind(_ kind: EventKind) -> Hearth_Common_V1_EventKind {
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
        }
    }
}
