/// One numbered schema change: SQL text applied once, in order, inside a transaction.
public struct PostgresMigration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Parses a file name such as `0003_communities.sql` into version 3, name `communities`.
    public init(fileName: String, sql: String) throws(PostgresError) {
        let stem = fileName.hasSuffix(".sql") ? String(fileName.dropLast(4)) : fileName
        let parts = stem.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let version = Int(parts[0]), version > 0 else {
            throw PostgresError(
                code: .migrationFailed,
                message: "migration file \(fileName) must be named NNNN_description.sql with NNNN > 0")
        }
        self.init(version: version, name: String(parts[1]), sql: sql)
    }

    /// A stable fingerprint of the SQL (FNV-1a, 64 bit), so an edited, already-applied migration is noticed.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
