import CLibPQ

/// Owns one `PGresult` and clears it exactly once: it cannot be copied, and `deinit` frees it.
struct PostgresResult: ~Copyable {
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { PQclear(raw) }

    var status: ExecStatusType { PQresultStatus(raw) }

    /// Copies the rows out so they outlive the result.
    func rows() -> PostgresRows {
        let rowCount = Int(PQntuples(raw))
        let columnCount = Int(PQnfields(raw))
        var columns: [PostgresRows.Column] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(raw, Int32(column)).map { String(cString: $0) } ?? "?column?"
            columns.append(.init(name: name, type: PostgresTypeOID(rawValue: PQftype(raw, Int32(column)))))
        }
        var storage: [UInt8] = []
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(rowCount * columnCount)
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(raw, row, column) == 1 {
                    ranges.append(nil)
                    continue
                }
                let length = Int(PQgetlength(raw, row, column))
                let start = storage.count
                if length > 0, let value = PQgetvalue(raw, row, column) {
                    storage.append(contentsOf: UnsafeRawBufferPointer(start: value, count: length))
                }
                ranges.append(start..<(start + length))
            }
        }
        let tag = PQcmdStatus(raw).map { String(cString: $0) } ?? ""
        let affected = PQcmdTuples(raw).flatMap { Int(String(cString: $0)) } ?? 0
        return PostgresRows(
            columns: columns, storage: storage, ranges: ranges, rowCount: rowCount,
            affectedRows: affected, commandTag: tag)
    }

    /// The server's error with every diagnostic field Hearth reports.
    func error(connectionBroken: Bool) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(raw, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let sqlState = field("C")
        let message = field("M") ?? PQresultErrorMessage(raw).map { String(cString: $0) }?.trimmed ?? "unknown error"
        let code: PostgresError.Code =
            if let sqlState { .init(sqlState: sqlState) } else if connectionBroken { .connectionLost } else { .server }
        return PostgresError(
            code: code, message: message, sqlState: sqlState, detail: field("D"), hint: field("H"),
            constraint: field("n"), table: field("t"), column: field("c"))
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}
