public import Foundation
public import GRPCCore

/// The opaque page cursor every list RPC issues: where the last page ended, as a time and the ids
/// that break ties (or, for lists in other orders, any parts), base64-encoded. A cursor a method
/// did not issue is INVALID_ARGUMENT naming it.
public enum PageCursor {
    public static func encode(_ date: Date, _ ids: String...) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return encode(parts: [String(micros)] + ids)
    }

    /// The time and the ids of a cursor with `idCount` ids; `nil` for an empty cursor.
    public static func decode(_ text: String, idCount: Int, method: String) throws(RPCError) -> (Date, [UUID])? {
        guard let parts = try decode(text, partCount: idCount + 1, method: method) else { return nil }
        guard let micros = Int64(parts[0]) else { throw invalid(method) }
        var ids: [UUID] = []
        for part in parts.dropFirst() {
            guard let id = UUID(uuidString: part) else { throw invalid(method) }
            ids.append(id)
        }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), ids)
    }

    /// A cursor of free-form parts; only the last may contain a "/".
    public static func encode(parts: [String]) -> String {
        Data(parts.joined(separator: "/").utf8).base64EncodedString()
    }

    /// The parts of a cursor of `partCount` parts; `nil` for an empty cursor.
    public static func decode(_ text: String, partCount: Int, method: String) throws(RPCError) -> [String]? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw invalid(method)
        }
        let parts = plain.split(separator: "/", maxSplits: partCount - 1, omittingEmptySubsequences: false)
            .map(String.init)
        guard parts.count == partCount else { throw invalid(method) }
        return parts
    }

    /// The error for a cursor `method` did not issue.
    public static func invalid(_ method: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor \(method) issued", reason: "invalid_cursor",
            fields: ["page.cursor": "not issued by \(method)"])
    }
}
