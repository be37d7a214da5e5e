public import Foundation

/// A member's claim that they did a task, with proof, waiting for an operator's review.
///
/// `submitted → approved | rejected`, decided once: ``review(_:note:by:at:)`` decides a submitted
/// claim; the same decision again changes nothing (a retried call gets the claim back as it is);
/// the other decision on a reviewed claim is refused. A rejected member may claim again with new
/// proof, which is a new claim.
public struct TaskClaim: Hashable, Sendable {
    /// Raw values are the schema's.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// Waits in the review queue.
        case submitted
        /// Counts towards the member's allowance and earns the task's reward.
        case approved
        /// Refused, with the reviewer's note saying why.
        case rejected
    }

    /// What a reviewer decides.
    public enum Decision: String, Hashable, Sendable, CaseIterable {
        case approve
        case reject

        /// The status the decision leads to.
        public var status: Status { self == .approve ? .approved : .rejected }
    }

    /// What ``review(_:note:by:at:)`` did, so the store writes only a real change.
    public enum ReviewOutcome: Hashable, Sendable {
        /// The claim was submitted and is decided now.
        case decided
        /// The claim had this decision already; nothing changed.
        case repeated
    }

    public var id: TaskClaimID
    public var taskID: CampaignTaskID
    public var campaignID: CampaignID
    public var memberID: MemberID
    public var proof: Proof
    public private(set) var status: Status
    /// Why it was rejected (or a remark on approval).
    public private(set) var reviewNote: String?
    /// The reviewing operator, as their access token names them.
    public private(set) var reviewedBy: String?
    public var submittedAt: Date
    public private(set) var reviewedAt: Date?

    public init(
        id: TaskClaimID = TaskClaimID(), taskID: CampaignTaskID, campaignID: CampaignID, memberID: MemberID,
        proof: Proof = Proof(), status: Status = .submitted, reviewNote: String? = nil, reviewedBy: String? = nil,
        submittedAt: Date = Date(), reviewedAt: Date? = nil
    ) {
        self.id = id
        self.taskID = taskID
        self.campaignID = campaignID
        self.memberID = memberID
        self.proof = proof
        self.status = status
        self.reviewNote = reviewNote
        self.reviewedBy = reviewedBy
        self.submittedAt = submittedAt
        self.reviewedAt = reviewedAt
    }

    public static let maximumNoteLength = 2_000

    /// Decides the claim, or recognises the same decision made before; the other decision on a
    /// reviewed claim is refused (`already_reviewed`). `note` should come from ``checkedNote(_:for:)``.
    public mutating func review(
        _ decision: Decision, note: String?, by reviewer: String, at instant: Date
    ) throws(CampaignTask.Refusal) -> ReviewOutcome {
        switch status {
        case .submitted:
            status = decision.status
            reviewNote = note
            reviewedBy = reviewer
            reviewedAt = instant
            return .decided
        case decision.status:
            return .repeated
        case .approved, .rejected:
            throw CampaignTask.Refusal(
                .alreadyReviewed,
                "claim \(id) was \(status.rawValue)" + (reviewedBy.map { " by \($0)" } ?? "")
                    + "; a review is final (a rejected member may claim again with new proof)")
        }
    }

    /// The note trimmed (`nil` when empty); a rejection must say why, since the member is told.
    public static func checkedNote(_ text: String, for decision: Decision) throws(DomainError) -> String? {
        let note = text.trimmedOfWhitespace
        guard note.unicodeScalars.count <= maximumNoteLength else {
            throw DomainError(
                code: .invalidArgument, message: "a review note has at most \(maximumNoteLength) characters")
        }
        if decision == .reject && note.isEmpty {
            throw DomainError(
                code: .invalidArgument, message: "say why the claim is rejected; the note is what the member is told")
        }
        return note.isEmpty ? nil : note
    }

    /// What a member shows to have done the task: a text, links (screenshots, posts), or both.
    public struct Proof: Hashable, Sendable {
        public var text: String
        public var links: [String]

        public init(text: String = "", links: [String] = []) {
            self.text = text
            self.links = links
        }

        /// No text and no link: no proof at all.
        public var isEmpty: Bool { text.trimmedOfWhitespace.isEmpty && links.isEmpty }

        public static let maximumTextLength = 4_000
        public static let maximumLinks = 10

        public static func checkText(_ text: String) throws(DomainError) {
            guard text.unicodeScalars.count <= maximumTextLength else {
                throw DomainError(
                    code: .invalidArgument, message: "a proof text has at most \(maximumTextLength) characters")
            }
        }

        public static func checkLinkCount(_ count: Int) throws(DomainError) {
            guard count <= maximumLinks else {
                throw DomainError(
                    code: .invalidArgument, message: "a claim carries at most \(maximumLinks) proof links, not \(count)"
                )
            }
        }

        /// Refuses anything but an absolute http(s) link with a host.
        public static func checkLink(_ text: String) throws(DomainError) {
            if let problem = webLinkProblem(text) {
                throw DomainError(code: .invalidArgument, message: "\"\(text)\" \(problem)")
            }
        }

        public func validate() throws(DomainError) {
            try Self.checkText(text)
            try Self.checkLinkCount(links.count)
            for link in links { try Self.checkLink(link) }
        }
    }
}

public typealias TaskClaimID = Identifier<TaskClaim>

/// Longest link a proof or a contest entry may carry.
let maximumWebLinkLength = 2_000

/// What is wrong with `text` as a link members share (proof, contest media): `nil` for an absolute
/// http or https URL with a host, at most ``maximumWebLinkLength`` characters and no spaces.
func webLinkProblem(_ text: String) -> String? {
    guard text.unicodeScalars.count <= maximumWebLinkLength else {
        return "is longer than \(maximumWebLinkLength) characters"
    }
    guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
        let scheme = components.scheme?.lowercased()
    else { return "is not a link; write it as https://…" }
    guard scheme == "http" || scheme == "https" else {
        return "is a \(scheme) link; only http and https links are accepted"
    }
    guard let host = components.host, !host.isEmpty else { return "has no host; write it as https://host/…" }
    return nil
}
