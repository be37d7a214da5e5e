import Foundation
import HearthPostgres

/// Loads generated members through HearthPostgres, by COPY and by pipelined INSERTs, and prints
/// rows per second. `scripts/bench pg` runs it beside `psql \copy` of the same rows.
///
///     PostgresLoad --url URL --rows N --mode copy|pipeline
///     PostgresLoad --rows N --write-csv FILE
@main
struct PostgresLoad {
    static let columns =
        "tenant_id, member_id, display_name, phone, province, city, org_kind, tags, vip_tier, total_spend_fen, created_at"

    static func main() async throws {
        let arguments = Arguments(CommandLine.arguments.dropFirst())
        let rows = Int(arguments["--rows"] ?? "1000000") ?? 1_000_000
        if let csv = arguments["--write-csv"] {
            try writeCSV(rows: rows, to: csv)
            return
        }
        guard let url = arguments["--url"], let mode = arguments["--mode"] else {
            FileHandle.standardError.write(Data("usage: PostgresLoad --url URL --rows N --mode copy|pipeline\n".utf8))
            exit(2)
        }
        let connection = try await PostgresConnection.connect(
            configuration: PostgresConfiguration(url: url, statementTimeout: nil))
        try await connection.executeScript("TRUNCATE bench_members")
        // Rows are generated before the clock starts, as psql's CSV file exists before its run.
        let members = (0..<rows).map { GeneratedMember(index: $0).fields }
        let clock = ContinuousClock()
        let started = clock.now
        switch mode {
        case "copy": try await loadByCopy(members, on: connection)
        case "pipeline": try await loadByPipeline(members, on: connection)
        default:
            FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
            exit(2)
        }
        let elapsed = clock.now - started
        let count = try await connection.query("SELECT count(*) FROM bench_members")[0].decode(Int.self, at: 0)
        guard count == rows else {
            FileHandle.standardError.write(Data("expected \(rows) rows, found \(count)\n".utf8))
            exit(1)
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "mode=\(mode) rows=\(rows) seconds=\(String(format: "%.3f", seconds)) rows_per_s=\(Int(Double(rows) / seconds))"
        )
        await connection.close()
    }

    static func loadByCopy(_ members: [[String]], on connection: PostgresConnection) async throws {
        try await connection.copyIn("COPY bench_members (\(columns)) FROM STDIN") { writer in
            for fields in members {
                for field in fields { writer.field(field) }
                try await writer.endRow()
            }
        }
    }

    /// One INSERT per row, 1,000 statements per pipeline batch (one round trip and one commit each).
    static func loadByPipeline(_ members: [[String]], on connection: PostgresConnection) async throws {
        let batchSize = 1_000
        var batch: [PostgresQuery] = []
        batch.reserveCapacity(batchSize)
        for (index, f) in members.enumerated() {
            batch.append(
                """
                INSERT INTO bench_members (\(unescaped: columns)) VALUES (\(f[0])::uuid, \(f[1])::uuid,
                \(f[2]), \(f[3]), \(f[4]), \(f[5]), \(f[6]), \(f[7])::text[], \(f[8])::int2, \(f[9])::int8,
                \(f[10])::timestamptz)
                """)
            if batch.count == batchSize || index == members.count - 1 {
                _ = try await connection.pipeline(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    static func writeCSV(rows: Int, to path: String) throws {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer = ""
        for index in 0..<rows {
            buffer += GeneratedMember(index: index).fields.map(csvQuoted).joined(separator: ",") + "\n"
            if buffer.utf8.count > 1 << 20 {
                handle.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        handle.write(Data(buffer.utf8))
        try handle.close()
    }

    static func csvQuoted(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" })
            ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }
}

/// `--name value` pairs.
struct Arguments {
    private var values: [String: String] = [:]
    init(_ arguments: ArraySlice<String>) {
        var iterator = arguments.makeIterator()
        while let name = iterator.next() {
            if name.hasPrefix("--"), let value = iterator.next() { values[name] = value }
        }
    }
    subscript(name: String) -> String? { values[name] }
}
