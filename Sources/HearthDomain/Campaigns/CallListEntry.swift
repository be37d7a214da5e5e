public import Foundation

/// One member to call on a call list, assigned to one agent, with what the calls so far came to.
public struct CallListEntry: Hashable, Sendable {
    /// Who to call, as the member directory knew them when the list was built: the agent calls
    /// from this copy, so later profile edits do not move an entry under their feet. Erasing the
    /// member clears the copy.
    public struct Recipient: Hashable, Sendable {
        public var memberID: MemberID
        public var displayName: String?
        /// E.164; `nil` once the member was erased.
        public var phone: String?

        public init(memberID: MemberID, displayName: String?, phone: String?) {
            self.memberID = memberID
            self.displayName = displayName
            self.phone = phone
        }
    }

    /// Most characters of an agent's note on a call.
    public static let maximumNoteLength = 2_000

    public var id: CallListEntryID
    public var callListID: CallListID
    public var recipient: Recipient
    public var agentOperatorID: UUID
    public var outcome: CallOutcome
    /// The last note an agent left.
    public var note: String?
    /// Outcomes recorded so far (a member not reached may be called again).
    public var attempts: Int
    /// When the last outcome was recorded; `nil` while pending.
    public var calledAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: CallListEntryID = CallListEntryID(), callListID: CallListID, recipient: Recipient, agentOperatorID: UUID,
        outcome: CallOutcome = .pending, note: String? = nil, attempts: Int = 0, calledAt: Date? = nil,
        createdAt: Date = Date(), updatedAt: Date = Date()
    ) {
        self.id = id
        self.callListID = callListID
        self.recipient = recipient
        self.agentOperatorID = agentOperatorID
        self.outcome = outcome
        self.note = note
        self.attempts = attempts
        self.calledAt = calledAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// A note of at most ``maximumNoteLength`` characters (Unicode scalars, as the schema counts).
    public static func validateNote(_ note: String?) throws(DomainError) {
        guard let note, note.unicodeScalars.count > maximumNoteLength else { return }
        throw DomainError(
            code: .invalidArgument, message: "a call note has at most \(maximumNoteLength) characters; shorten it")
    }
}

public typealias CallListEntryID = Identifier<CallListEntry>
