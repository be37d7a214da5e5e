import Foundation

/// A `jsonb` value carried as JSON text; encode and decode Codable values through it.
public struct PostgresJSONB: Sendable, Hashable, PostgresArrayElement {
    public static var postgresArrayType: PostgresTypeOID { .jsonbArray }

    /// The JSON document's text.
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes a Codable value as JSON (keys sorted, so equal values give equal text).
    public init<Value: Encodable>(encoding value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the document as a Codable value.
    public func decode<Value: Decodable>(_: Value.Type = Value.self) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    public static var postgresType: PostgresTypeOID { .jsonb }

    /// Binary jsonb is a version byte (1) followed by the JSON text.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(1)
        bytes.append(contentsOf: text.utf8)
    }

    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        switch cell.type {
        case .jsonb:
            guard bytes.first == 1 else { throw cell.malformed(PostgresJSONB.self) }
            text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        case .json:
            text = String(decoding: bytes, as: UTF8.self)
        default:
            throw cell.mismatch(PostgresJSONB.self)
        }
    }
}
