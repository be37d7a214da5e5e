public import Foundation

/// A typed UUID, so a member id can never be passed where a tenant id is expected.
public struct Identifier<Entity>: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: UUID

    /// New ids are time-ordered (``Foundation/UUID/timeOrdered(at:)``), so rows made one after
    /// another land side by side at the end of their key's index instead of all over it.
    public init(_ rawValue: UUID = .timeOrdered()) { self.rawValue = rawValue }

    /// Parses the canonical text form; `nil` for anything else.
    public init?(_ text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        rawValue = uuid
    }

    public var description: String { rawValue.uuidString.lowercased() }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UUID.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The company using Hearth; every row belongs to exactly one.
public enum Tenant {}
public typealias TenantID = Identifier<Tenant>
public typealias MemberID = Identifier<Member>
public typealias EventID = Identifier<MemberEvent>

extension UUID {
    /// A version 7 UUID (RFC 9562): the milliseconds since 1970 in the first 48 bits, then 74
    /// random bits. Ids made later sort later (to the millisecond) and stay unguessable.
    public static func timeOrdered(at date: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1_000))
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(
            uuid: (
                byte(millis, 40), byte(millis, 32), byte(millis, 24), byte(millis, 16), byte(millis, 8),
                byte(millis, 0),
                0x70 | (byte(high, 0) & 0x0F), byte(high, 8),
                0x80 | (byte(high, 16) & 0x3F), byte(high, 24), byte(high, 32), byte(high, 40),
                byte(low, 0), byte(low, 8), byte(low, 16), byte(low, 24)
            ))
    }
}
