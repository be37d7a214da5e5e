import ArgumentParser
import Foundation
import HearthImportClient

/// How a command prints data: a table for people, JSON or CSV for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv
}

/// The `--output` option every data-printing command takes.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "table, json or csv.")
    var output: OutputFormat = .table

    /// Prints key/value facts in the chosen format.
    func print(facts: KeyValuePairs<String, String>) throws {
        try print(facts: facts.map { (key: $0.key, value: $0.value) })
    }

    /// Prints key/value facts in the chosen format, in the order given (JSON sorts its keys).
    func print(facts: [(key: String, value: String)]) throws {
        switch output {
        case .table:
            let width = facts.map(\.key.count).max() ?? 0
            for (key, value) in facts {
                Swift.print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + tableCell(value))
            }
        case .json:
            let object = Dictionary(facts.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let data = try JSONSerialization.data(withJSONObject: object, options: jsonWritingOptions)
            Swift.print(String(decoding: data, as: UTF8.self))
        case .csv:
            Swift.print(facts.map { csvField($0.key) }.joined(separator: ","))
            Swift.print(facts.map { csvField($0.value) }.joined(separator: ","))
        }
    }
}

extension OutputOptions {
    /// Prints rows under named columns: an aligned table, a JSON array of objects, or CSV with a
    /// header line.
    func print(columns: [String], rows: [[String]]) throws {
        switch output {
        case .table:
            let rows = rows.map { $0.map(tableCell) }
            var widths = columns.map(\.count)
            for row in rows {
                for (index, cell) in row.enumerated() where index < widths.count {
                    widths[index] = max(widths[index], displayWidth(cell))
                }
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { index, cell in
                    index == cells.count - 1
                        ? cell : cell + String(repeating: " ", count: max(0, widths[index] - displayWidth(cell)))
                }.joined(separator: "  ")
            }
            Swift.print(line(columns.map { $0.uppercased() }))
            for row in rows { Swift.print(line(row)) }
        case .json:
            let objects = rows.map { row in
                Dictionary(zip(columns, row).map { ($0, $1) }, uniquingKeysWith: { $1 })
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: jsonWritingOptions)
            Swift.print(String(decoding: data, as: UTF8.self))
        case .csv:
            Swift.print(columns.map(csvField).joined(separator: ","))
            for row in rows { Swift.print(row.map(csvField).joined(separator: ",")) }
        }
    }
}

/// A value as one table cell: a line break or tab inside it (a name pasted from a spreadsheet) is
/// shown as `\n` or `\t`, so each row stays on one line. JSON and CSV keep values as they are.
func tableCell(_ value: String) -> String {
    guard value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return value }
    var shown = ""
    for scalar in value.unicodeScalars {
        switch scalar {
        case "\n": shown += "\\n"
        case "\r": shown += "\\r"
        case "\t": shown += "\\t"
        default:
            if scalar.properties.generalCategory == .control {
                shown += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
    }
    return shown
}

/// Terminal columns `text` takes: Chinese, Japanese and Korean characters and full-width forms
/// take two, so tables of Chinese names stay aligned.
func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        switch scalar.value {
        case 0x0300...0x036F, 0x200B...0x200F, 0xFE00...0xFE0F: width  // combining marks, zero-width
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F,
            0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            width + 2
        default: width + 1
        }
    }
}

/// JSON as people and scripts read it: sorted keys, indented, paths written as they are (`/tmp/x`,
/// not `\/tmp\/x`).
let jsonWritingOptions: JSONSerialization.WritingOptions = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
