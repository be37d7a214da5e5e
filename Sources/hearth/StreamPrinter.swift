import Foundation
import HearthImportClient

/// Prints rows as they arrive, for results too big to hold: JSON as one array written element by
/// element, CSV line by line, tables in blocks of 1,000 rows aligned to the first block.
struct StreamPrinter {
    let format: OutputFormat
    let columns: [String]
    private var widths: [Int]?
    private var pending: [[String]] = []
    private var printed = 0

    init(format: OutputFormat, columns: [String]) {
        self.format = format
        self.columns = columns
    }

    mutating func print(_ row: [String]) throws {
        switch format {
        case .csv:
            if printed == 0 { Swift.print(columns.map(csvField).joined(separator: ",")) }
            Swift.print(row.map(csvField).joined(separator: ","))
        case .json:
            let object = Dictionary(zip(columns, row).map { ($0, $1) }, uniquingKeysWith: { $1 })
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            Swift.print((printed == 0 ? "[\n  " : ",\n  ") + String(decoding: data, as: UTF8.self), terminator: "")
        case .table:
            pending.append(row)
            if pending.count >= 1_000 { flushTable() }
        }
        printed += 1
    }

    mutating func finish() throws {
        switch format {
        case .csv: if printed == 0 { Swift.print(columns.map(csvField).joined(separator: ",")) }
        case .json: Swift.print(printed == 0 ? "[]" : "\n]")
        case .table: flushTable(force: true)
        }
    }

    private mutating func flushTable(force: Bool = false) {
        guard !pending.isEmpty || (force && widths == nil) else { return }
        if widths == nil {
            var widths = columns.map(\.count)
            for row in pending {
                for (index, cell) in row.enumerated() where index < widths.count {
                    widths[index] = max(widths[index], displayWidth(cell))
                }
            }
            self.widths = widths
            Swift.print(line(columns.map { $0.uppercased() }))
        }
        for row in pending { Swift.print(line(row)) }
        pending.removeAll(keepingCapacity: true)
    }

    private func line(_ cells: [String]) -> String {
        let widths = self.widths ?? []
        return cells.enumerated().map { index, cell in
            index == cells.count - 1 || index >= widths.count
                ? cell : cell + String(repeating: " ", count: max(0, widths[index] - displayWidth(cell)))
        }.joined(separator: "  ")
    }
}

extension OutputOptions {
    func streamPrinter(columns: [String]) -> StreamPrinter { StreamPrinter(format: output, columns: columns) }
}
