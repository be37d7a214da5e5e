import Foundation

/// The one way payloads become bytes: compact, keys sorted, so a payload (and its signature) is the
/// same on every attempt and every machine.
enum ChannelJSON {
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// The provider's id for an accepted message, from a JSON answer's `message_id`, `id` or
    /// `msgid` (a string or an integer); nil when the answer has none.
    static func providerMessageID(in body: [UInt8]) -> String? {
        guard !body.isEmpty,
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        for key in ["message_id", "id", "msgid"] {
            if let text = object[key] as? String, !text.isEmpty { return text }
            if let number = object[key] as? Int { return String(number) }
        }
        return nil
    }
}
