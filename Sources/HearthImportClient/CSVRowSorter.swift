public import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Puts a CSV file whose first column is a row number into row order, in place. At most `runSize`
/// records are held at once: sorted runs go to files beside it and are then merged, so a rejects
/// file of any size sorts in bounded memory. Records of the same row keep their order.
public enum CSVRowSorter {
    public static func sort(_ url: URL, runSize: Int = 50_000) throws {
        let reader = try CSVRecordReader(url: url)
        guard let header = try reader.next() else { return }
        let folder = url.deletingLastPathComponent()
        let stem = ".\(url.lastPathComponent).sorting-\(UUID().uuidString.prefix(8))"
        var runs: [URL] = []
        defer { for run in runs { try? FileManager.default.removeItem(at: run) } }

        var batch: [CSVRecord] = []
        func writeRun() throws {
            guard !batch.isEmpty else { return }
            let ordered = batch.enumerated()
                .sorted { ($0.element.rowKey, $0.offset) < ($1.element.rowKey, $1.offset) }
            let run = folder.appendingPathComponent("\(stem).run\(runs.count)")
            runs.append(run)
            let writer = try CSVFileWriter(url: run)
            for record in ordered { try writer.write(record.element.fields) }
            try writer.close()
            batch.removeAll(keepingCapacity: true)
        }
        while let record = try reader.next() {
            batch.append(record)
            if batch.count >= max(1, runSize) { try writeRun() }
        }
        try writeRun()

        let sorted = folder.appendingPathComponent("\(stem).csv")
        // Gone after the rename below; removed here when anything before it failed.
        defer { try? FileManager.default.removeItem(at: sorted) }
        let writer = try CSVFileWriter(url: sorted)
        try writer.write(header.fields)
        let readers = try runs.map { try CSVRecordReader(url: $0) }
        var heads = try readers.map { try $0.next() }
        // The first smallest head wins, so among equal rows the earlier run's come first.
        while let next = heads.indices.filter({ heads[$0] != nil })
            .min(by: { heads[$0]!.rowKey < heads[$1]!.rowKey })
        {
            try writer.write(heads[next]!.fields)
            heads[next] = try readers[next].next()
        }
        try writer.close()
        // rename(2) replaces the file in one step: a reader sees the old rows or the sorted ones.
        guard rename(sorted.path, url.path) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}

extension CSVRecord {
    /// The row number in the first column; records without one sort last.
    fileprivate var rowKey: Int64 { fields.first.flatMap { Int64($0) } ?? .max }
}

/// Writes CSV records to a new file through a buffer.
private final class CSVFileWriter {
    private let handle: FileHandle
    private var buffer = ""
    private var closed = false

    init(url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path])
        }
        handle = try FileHandle(forWritingTo: url)
    }

    // A writer abandoned by an error still lets go of its file.
    deinit { if !closed { try? handle.close() } }

    func write(_ fields: [String]) throws {
        buffer += fields.map(csvField).joined(separator: ",") + "\n"
        if buffer.utf8.count >= 256 * 1024 { try flush() }
    }

    func close() throws {
        try flush()
        closed = true
        try handle.close()
    }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
public func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
