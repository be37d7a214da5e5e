import ArgumentParser
import Foundation

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
        switch output {
        case .table:
            let width = facts.map(\.key.count).max() ?? 0
            for (key, value) in facts {
                Swift.print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
        case .json:
            let object = Dictionary(facts.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
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
            var widths = columns.map(\.count)
            for row in rows {
                for (index, cell) in row.enumerated() where index < widths.count {
                    widths[index] = max(widths[index], cell.count)
                }
            }
            func line(_ cells: [String]) -> String {
                cells.enumerated().map { index, cell in
                    index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }
            Swift.print(line(columns.map { $0.uppercased() }))
            for row in rows { Swift.print(line(row)) }
        case .json:
            let objects = rows.map { row in
                Dictionary(zip(columns, row).map { ($0, $1) }, uniquingKeysWith: { $1 })
            }
            let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .prettyPrinted])
            Swift.print(String(decoding: data, as: UTF8.self))
        case .csv:
            Swift.print(columns.map(csvField).joined(separator: ","))
            for row in rows { Swift.print(row.map(csvField).joined(separator: ",")) }
        }
    }
}

func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
