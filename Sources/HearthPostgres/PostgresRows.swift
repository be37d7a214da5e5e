/// The rows a statement returned, copied out of libpq so they outlive the `PGresult`.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// A result column: its name and type.
    public struct Column: Sendable, Hashable {
        public var name: String
        public var type: PostgresTypeOID
    }

    public let columns: [Column]
    /// Rows inserted, updated, deleted or copied, as the command tag reports (0 when it has none).
    public let affectedRows: Int
    /// The command tag, e.g. `INSERT 0 3`.
    public let commandTag: String

    /// Every cell's bytes, back to back; `ranges[row * columns.count + column]` finds one (`nil` = NULL).
    let storage: [UInt8]
    let ranges: [Range<Int>?]
    let rowCount: Int

    init(
        columns: [Column], storage: [UInt8], ranges: [Range<Int>?], rowCount: Int, affectedRows: Int, commandTag: String
    ) {
        self.columns = columns
        self.storage = storage
        self.ranges = ranges
        self.rowCount = rowCount
        self.affectedRows = affectedRows
        self.commandTag = commandTag
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PostgresRow { PostgresRow(rows: self, index: position) }

    /// Index of the column with this name, for callers that read many rows by name.
    public func columnIndex(named name: String) throws(PostgresError) -> Int {
        guard let index = columns.firstIndex(where: { $0.name == name }) else {
            throw PostgresError(
                code: .decodingFailed,
                message:
                    "no column named \"\(name)\" in the result (columns: \(columns.map(\.name).joined(separator: ", ")))"
            )
        }
        return index
    }
}

/// One row of ``PostgresRows``; cells are read by position or by column name.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    public var columnCount: Int { rows.columns.count }

    /// The raw cell, for callers that inspect types themselves.
    public func cell(at column: Int) -> PostgresCell {
        let info = rows.columns[column]
        let range = rows.ranges[index * rows.columns.count + column]
        return PostgresCell(type: info.type, bytes: range.map { rows.storage[$0] }, columnName: info.name)
    }

    /// Whether the cell is SQL NULL.
    public func isNull(at column: Int) -> Bool {
        rows.ranges[index * rows.columns.count + column] == nil
    }

    /// Reads a non-NULL cell; NULL is a ``PostgresError/Code/decodingFailed`` error naming the column.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, at column: Int) throws(PostgresError) -> T {
        guard column >= 0, column < rows.columns.count else {
            throw PostgresError(
                code: .decodingFailed,
                message: "column \(column) is out of range; the result has \(rows.columns.count) columns")
        }
        let cell = cell(at: column)
        guard let bytes = cell.bytes else {
            if let null = T.postgresNull { return null }
            throw PostgresError(
                code: .decodingFailed,
                message: "column \"\(cell.columnName)\" is NULL; read it as \(T.self)? instead")
        }
        return try T(postgresCell: cell, bytes: bytes)
    }

    /// Reads a cell that may be NULL.
    public func decode<T: PostgresDecodable>(_: T?.Type, at column: Int) throws(PostgresError) -> T? {
        if column >= 0, column < rows.columns.count, isNull(at: column) { return nil }
        return try decode(T.self, at: column)
    }

    /// Reads a non-NULL cell by column name.
    public func decode<T: PostgresDecodable>(_: T.Type = T.self, named name: String) throws(PostgresError) -> T {
        try decode(T.self, at: rows.columnIndex(named: name))
    }

    /// Reads a cell that may be NULL, by column name.
    public func decode<T: PostgresDecodable>(_: T?.Type, named name: String) throws(PostgresError) -> T? {
        try decode(T?.self, at: rows.columnIndex(named: name))
    }
}
