import Foundation
import HearthImportClient
import Testing

@Suite("Rejects files put in row order, in bounded memory")
struct CSVRowSorterTests {
    @Test(arguments: [1, 7, 50_000])
    func rowsComeOutInOrderWithTheirFieldsIntact(runSize: Int) throws {
        // Rows refused by the file check and by the service arrive interleaved; some rows twice.
        var rows: [(row: Int, reason: String)] = []
        for row in stride(from: 2, through: 60, by: 3) { rows.append((row, "file, \"quoted\"")) }
        for row in stride(from: 61, through: 2, by: -2) { rows.append((row, "service\nsecond line")) }
        rows.append((10, "again"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-rejects-\(UUID()).csv")
        var text = "row,field,reason_code,reason\n"
        for entry in rows { text += "\(entry.row),phone,code,\(csvField(entry.reason))\n" }
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }

        try CSVRowSorter.sort(url, runSize: runSize)

        let reader = try CSVRecordReader(url: url)
        #expect(try reader.next()?.fields == ["row", "field", "reason_code", "reason"])
        var sorted: [[String]] = []
        while let record = try reader.next() { sorted.append(record.fields) }
        // Equal rows keep the order they were written in.
        let expected = rows.enumerated().sorted { ($0.element.row, $0.offset) < ($1.element.row, $1.offset) }
            .map { ["\($0.element.row)", "phone", "code", $0.element.reason] }
        #expect(sorted == expected)
        // The runs beside it are gone.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(url.lastPathComponent).sorting") }
        #expect(leftovers.isEmpty)
    }
}
