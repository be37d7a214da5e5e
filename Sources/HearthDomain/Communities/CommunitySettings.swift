/// The part of a community operators write: what the group is, where it lives and how people get
/// in. The pass phrase is not here: it is write-only and kept hashed (see ``PassPhrase``).
public struct CommunitySettings: Hashable, Sendable, Codable {
    /// Largest capacity accepted, whatever the platform: a sanity bound, far above any IM group.
    public static let maximumCapacity = 100_000

    public var name: String
    public var platform: CommunityPlatform
    /// Seats: active members at most.
    public var capacity: Int
    public var joinPolicy: JoinPolicy
    public var structure: CommunityStructure
    public var visibility: CommunityVisibility
    /// The group's tone: why members stay.
    public var purpose: String?
    public var rules: String?
    public var announcement: String?

    /// Settings with the schema's defaults: approval to join, a pyramid, a public group, and the
    /// platform's usual capacity when `capacity` is `nil`.
    public init(
        name: String,
        platform: CommunityPlatform,
        capacity: Int? = nil,
        joinPolicy: JoinPolicy = .approval,
        structure: CommunityStructure = .pyramid,
        visibility: CommunityVisibility = .outer,
        purpose: String? = nil,
        rules: String? = nil,
        announcement: String? = nil
    ) {
        self.name = name
        self.platform = platform
        self.capacity = capacity ?? platform.defaultCapacity
        self.joinPolicy = joinPolicy
        self.structure = structure
        self.visibility = visibility
        self.purpose = purpose
        self.rules = rules
        self.announcement = announcement
    }

    /// Checks the limits the schema enforces, with messages an operator can act on. Lengths count
    /// Unicode scalars, as PostgreSQL's `char_length` does.
    public func validate() throws(DomainError) {
        let trimmed = Self.trimmed(name)
        guard (1...200).contains(trimmed.unicodeScalars.count) else {
            throw DomainError(code: .invalidArgument, message: "a community name has 1 to 200 characters")
        }
        guard (1...Self.maximumCapacity).contains(capacity) else {
            throw DomainError(
                code: .invalidArgument,
                message: "capacity must be 1 to \(Self.maximumCapacity) seats, not \(capacity)")
        }
        let texts: [(field: String, text: String?, limit: Int)] = [
            ("purpose", purpose, 2_000), ("rules", rules, 20_000), ("announcement", announcement, 20_000),
        ]
        for (field, text, limit) in texts {
            if let text, text.unicodeScalars.count > limit {
                throw DomainError(
                    code: .invalidArgument, message: "a community's \(field) has at most \(limit) characters")
            }
        }
    }

    /// `text` without leading and trailing white space (spaces, tabs, new lines, ideographic space).
    static func trimmed(_ text: String) -> Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }
}
