public import Foundation

/// The kinds of handle a member is known by; the raw values are the schema's `member_identities.kind`.
public enum IdentityKind: String, Hashable, Sendable, Codable, CaseIterable {
    case phone
    case wechat
    case qq
    case dingtalk
    case email
}

/// A handle a member is known by (a phone, a WeChat id, …), in the one spelling Hearth stores.
///
/// Each handle belongs to at most one member of a tenant, so an IM message or an order finds its
/// member and duplicates are detected. That only holds if equal handles compare equal, hence the
/// normalisation in ``init(kind:parsing:phoneRegion:)``: phones become E.164, emails are trimmed
/// and lowercased, other handles are trimmed.
public struct Identity: Hashable, Sendable, Codable, CustomStringConvertible {
    public let kind: IdentityKind
    /// Normalised: E.164 for phones, lowercase for emails.
    public let value: String

    /// Most characters (Unicode scalars, as PostgreSQL's `char_length` counts them) of a handle.
    public static let maximumLength = 256
    /// Most characters of an email address (the limit `members.email` keeps).
    public static let maximumEmailLength = 254

    /// Reads a handle as an operator or a system typed it.
    ///
    /// - Throws: `invalidArgument`, naming the kind and what is wrong with the text.
    public init(kind: IdentityKind, parsing text: String, phoneRegion: PhoneRegion = .cn) throws(DomainError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .phone:
            value = try PhoneNumber(parsing: trimmed, defaultRegion: phoneRegion).e164
        case .email:
            value = try Self.email(trimmed)
        case .wechat, .qq, .dingtalk:
            value = try Self.handle(trimmed, kind: kind)
        }
        self.kind = kind
    }

    /// A handle read back from storage, where it was normalised on the way in.
    public init(kind: IdentityKind, normalised value: String) {
        self.kind = kind
        self.value = value
    }

    public var description: String { "\(kind.rawValue) \(value)" }

    /// Lowercased, one `@` with text on both sides, no whitespace (the schema's CHECK, checked here
    /// first so the operator reads which address is wrong instead of a constraint name).
    private static func email(_ text: String) throws(DomainError) -> String {
        let value = text.lowercased()
        guard !value.isEmpty else {
            throw DomainError(code: .invalidArgument, message: "an email address cannot be empty")
        }
        guard value.unicodeScalars.count <= maximumEmailLength else {
            throw DomainError(
                code: .invalidArgument, message: "an email address has at most \(maximumEmailLength) characters")
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !value.unicodeScalars.contains(where: { $0.properties.isWhitespace })
        else {
            throw DomainError(
                code: .invalidArgument, message: "\(shown(text)) is not an email address (name@domain, no spaces)")
        }
        return value
    }

    /// Trimmed, 1 to 256 characters, no control characters (a pasted line break is a mistake, not
    /// part of an id).
    private static func handle(_ text: String, kind: IdentityKind) throws(DomainError) -> String {
        guard !text.isEmpty else {
            throw DomainError(code: .invalidArgument, message: "a \(kind.rawValue) id cannot be empty")
        }
        guard text.unicodeScalars.count <= maximumLength else {
            throw DomainError(
                code: .invalidArgument, message: "a \(kind.rawValue) id has at most \(maximumLength) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw DomainError(
                code: .invalidArgument,
                message: "the \(kind.rawValue) id \(shown(text)) contains a control character (a line break or tab?)")
        }
        return text
    }

    private static func shown(_ text: String) -> String {
        "\"" + (text.count > 40 ? String(text.prefix(40)) + "…" : text) + "\""
    }
}

/// A handle as one member holds it.
public struct MemberIdentity: Hashable, Sendable {
    public var identity: Identity
    public var memberID: MemberID
    /// Confirmed by the member (a code sent to the phone, an OAuth login); unverified handles were typed in.
    public var verified: Bool
    public var createdAt: Date

    public init(identity: Identity, memberID: MemberID, verified: Bool, createdAt: Date) {
        self.identity = identity
        self.memberID = memberID
        self.verified = verified
        self.createdAt = createdAt
    }
}

/// The handle asked for belongs to another member of the tenant.
///
/// Its own type rather than a ``DomainError``: the edge names the holder in the error's metadata, so
/// a client can offer to merge the two members.
public struct IdentityTaken: Error, Hashable, Sendable, CustomStringConvertible {
    public var identity: Identity
    public var holder: MemberID

    public init(identity: Identity, holder: MemberID) {
        self.identity = identity
        self.holder = holder
    }

    public var description: String {
        "\(identity) already belongs to member \(holder); merge the two members or remove it there first"
    }
}
