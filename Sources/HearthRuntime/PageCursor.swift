public import Foundation
public import GRPCCore

/// The opaque page cursor every list RPC issues: where the last page ended, as a time and the ids
/// that break ties, base64-encoded. A cursor a method did not issue is INVALID_ARGUMENT naming it.
public enum PageCursor {
    public static func encode(_ date: Date, _ ids: String...) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        return Data(([String(micros)] + ids).joined(separator: "/").utf8).base64EncodedString()
    }

    /// The time and the ids of a cursor with `idCount` ids; `nil` for an empty cursor.
    public static func decode(_ text: String, idCount: Int, method: String) throws(RPCError) -> (Date, [UUID])? {
        guard !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text), let plain = String(data: data, encoding: .utf8) else {
            throw invalid(method)
        }
        let parts = plain.split(separator: "/").map(String.init)
        guard parts.count == idCount + 1, let micros = Int64(parts[0]) else { throw invalid(method) }
        var ids: [UUID] = []
        for part in parts.dropFirst() {
            guard let id = UUID(uuidString: part) else { throw invalid(method) }
            ids.append(id)
        }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), ids)
    }

    private static func invalid(_ method: String) -> RPCError {
        RPCError(
            code: .invalidArgument, message: "page.cursor is not a cursor \(method) issued", reason: "invalid_cursor",
            fields: ["page.cursor": "not issued by \(method)"])
    }
}
