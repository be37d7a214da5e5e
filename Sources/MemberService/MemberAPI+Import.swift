public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

extension MemberAPI {
    /// Rows per request message at most; bigger batches are refused so one message stays small.
    static let importBatchLimit = 5_000

    public func importMembers(
        request: RPCAsyncSequence<Hearth_Member_V1_ImportMembersRequest, any Error>,
        response: RPCWriter<Hearth_Member_V1_ImportMembersResponse>,
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
            let fields = try MemberImportMessages.fields(options.fields)
            let region = try await phoneRegions.region(of: caller.tenant)
            let defaultSource = try MemberMessages.sourceChannel(options.defaultSourceChannel) ?? .import
            var progress = Hearth_Member_V1_ImportProgress()
            var lastRowNumber = Int64.min
            let outcome = try await imports.run(
                tenant: caller.tenant, defaultSource: defaultSource, dryRun: options.dryRun,
                feed: { stage in
                    while let message = try await messages.next() {
                        guard case .batch(let batch)? = message.item else {
                            throw RPCError(
                                code: .invalidArgument, message: "options may come only once, in the first message",
                                reason: "options_repeated")
                        }
                        guard batch.rows.count <= Self.importBatchLimit else {
                            throw RPCError(
                                code: .invalidArgument,
                                message:
                                    "a batch may hold \(Self.importBatchLimit) rows, this one has \(batch.rows.count)",
                                reason: "batch_too_large")
                        }
                        var rejects = Hearth_Member_V1_ImportRejects()
                        for message in batch.rows {
                            guard message.rowNumber > lastRowNumber else {
                                throw RPCError(
                                    code: .invalidArgument,
                                    message:
                                        "row numbers must increase; row \(message.rowNumber) came after \(lastRowNumber)",
                                    reason: "row_number_order")
                            }
                            lastRowNumber = message.rowNumber
                            progress.rowsReceived += 1
                            do {
                                let row = try MemberImportMessages.row(message, fields: fields)
                                    .normalised(region: region)
                                try await stage(row)
                                progress.rowsStaged += 1
                            } catch let rejection as ImportRejection {
                                rejects.rows.append(MemberImportMessages.rejectedRow(rejection))
                                progress.rowsRejected += 1
                            }
                        }
                        if !rejects.rows.isEmpty {
                            try await response.write(.with { $0.rejects = rejects })
                        }
                        try await response.write(.with { $0.progress = progress })
                    }
                },
                onRejected: { rejections in
                    var rejects = Hearth_Member_V1_ImportRejects()
                    rejects.rows = rejections.map(MemberImportMessages.rejectedRow)
                    try await response.write(.with { $0.rejects = rejects })
                })
            var summary = Hearth_Member_V1_MemberImportSummary()
            summary.rowsReceived = progress.rowsReceived
            summary.inserted = outcome.inserted
            summary.updated = outcome.updated
            summary.unchanged = outcome.unchanged
            summary.rejected = progress.rowsRejected + outcome.rejected
            summary.dryRun = outcome.dryRun
            try await response.write(.with { $0.summary = summary })
        }
    }
}
