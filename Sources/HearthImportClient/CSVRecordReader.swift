public import Foundation

/// One record of a CSV file: its fields and where it began.
public struct CSVRecord: Sendable, Hashable {
    /// The record's number counting the header as 1: the row a spreadsheet shows it on.
    public var number: Int64
    /// The line the record starts on (records with quoted newlines span several lines).
    public var line: Int64
    public var fields: [String]
    /// Whether some bytes were not UTF-8; such fields hold U+FFFD where the bytes were.
    public var hasInvalidUTF8: Bool

    public init(number: Int64, line: Int64, fields: [String], hasInvalidUTF8: Bool = false) {
        self.number = number
        self.line = line
        self.fields = fields
        self.hasInvalidUTF8 = hasInvalidUTF8
    }
}

/// The file ended inside a quoted field: the rest of the file cannot be split into rows.
public struct CSVUnterminatedQuote: Error, Sendable {
    /// The record the quote opened in.
    public var rowNumber: Int64
    public var line: Int64
}

/// Reads RFC 4180 CSV from a file in fixed-size chunks, one record at a time, so a file of any
/// size is read in constant memory. Accepts a UTF-8 byte-order mark, LF or CRLF line ends, quoted
/// fields with doubled quotes and embedded line breaks. Blank lines are skipped but counted, so
/// record numbers stay the rows a spreadsheet shows.
public final class CSVRecordReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var endOfFile = false
    private var line: Int64 = 1
    private var recordNumber: Int64 = 0
    private var atStart = true
    /// Bytes read from the file so far, for progress.
    public private(set) var bytesRead: Int64 = 0
    static let chunkSize = 256 * 1024

    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    deinit { try? handle.close() }

    /// The next record, or `nil` at the end of the file.
    public func next() throws -> CSVRecord? {
        while true {
            guard try fill() else { return nil }
            if atStart {
                atStart = false
                if buffer.count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB,
                    buffer[position + 2] == 0xBF
                {
                    position += 3
                }
            }
            recordNumber += 1
            let startLine = line
            // A blank line is no record, but it is a row of the file.
            if buffer[position] == 0x0A {
                position += 1
                line += 1
                continue
            }
            if buffer[position] == 0x0D, try peek(1) == 0x0A {
                position += 2
                line += 1
                continue
            }
            return try readRecord(startLine: startLine)
        }
    }

    private func readRecord(startLine: Int64) throws -> CSVRecord {
        var fields: [String] = []
        var field: [UInt8] = []
        var invalid = false
        func finishField() {
            // Decoding repairs invalid bytes with U+FFFD; comparing the bytes tells whether it had
            // to, at a fraction of the cost of validating first.
            let text = String(decoding: field, as: UTF8.self)
            if !text.utf8.elementsEqual(field) { invalid = true }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
        }
        var quoted = false
        while true {
            guard try fill() else {
                if quoted { throw CSVUnterminatedQuote(rowNumber: recordNumber, line: startLine) }
                finishField()
                return CSVRecord(number: recordNumber, line: startLine, fields: fields, hasInvalidUTF8: invalid)
            }
            let byte = buffer[position]
            if quoted {
                position += 1
                if byte == 0x22 {
                    if try peek(0) == 0x22 {
                        field.append(0x22)
                        position += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case 0x2C:
                position += 1
                finishField()
            case 0x0A:
                position += 1
                line += 1
                finishField()
                return CSVRecord(number: recordNumber, line: startLine, fields: fields, hasInvalidUTF8: invalid)
            case 0x0D:
                guard try peek(1) == 0x0A else {
                    field.append(byte)
                    position += 1
                    continue
                }
                position += 2
                line += 1
                finishField()
                return CSVRecord(number: recordNumber, line: startLine, fields: fields, hasInvalidUTF8: invalid)
            case 0x22 where field.isEmpty:
                position += 1
                quoted = true
            default:
                // Fast path: copy the run of plain bytes up to the next special one.
                var end = position + 1
                while end < buffer.count {
                    let next = buffer[end]
                    if next == 0x2C || next == 0x0A || next == 0x0D { break }
                    end += 1
                }
                field.append(contentsOf: buffer[position..<end])
                position = end
            }
        }
    }

    /// Makes sure at least one unread byte is buffered; `false` at the end of the file.
    private func fill() throws -> Bool {
        if position < buffer.count { return true }
        return try readChunk()
    }

    /// The byte `offset` places after the current one, reading on if needed; `nil` past the end.
    private func peek(_ offset: Int) throws -> UInt8? {
        while position + offset >= buffer.count {
            guard try readChunk() else { return nil }
        }
        return buffer[position + offset]
    }

    /// Appends the next chunk, dropping what was consumed; `false` when the file has no more.
    private func readChunk() throws -> Bool {
        guard !endOfFile else { return false }
        let data = try handle.read(upToCount: Self.chunkSize) ?? Data()
        if data.isEmpty {
            endOfFile = true
            return false
        }
        bytesRead += Int64(data.count)
        buffer.removeSubrange(0..<position)
        position = 0
        buffer.append(contentsOf: data)
        return true
    }
}
