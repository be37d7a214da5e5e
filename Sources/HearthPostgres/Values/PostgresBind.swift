/// One query parameter, already encoded the way libpq sends it.
public struct PostgresBind: Sendable, Hashable {
    /// How the bytes are to be read by the server.
    public enum Format: Int32, Sendable {
        case text = 0
        case binary = 1
    }

    public var type: PostgresTypeOID
    public var format: Format
    /// `nil` is SQL NULL.
    public var bytes: [UInt8]?

    public init(type: PostgresTypeOID, format: Format = .binary, bytes: [UInt8]?) {
        self.type = type
        self.format = format
        self.bytes = bytes
    }

    /// A NULL of unspecified type: the server infers it from the statement.
    public static let null = PostgresBind(type: PostgresTypeOID(rawValue: 0), format: .binary, bytes: nil)
}

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    /// The type the server should take the parameter as.
    static var postgresType: PostgresTypeOID { get }
    /// The wire format of ``encode(into:)``; binary unless the text form is the exact one.
    static var postgresFormat: PostgresBind.Format { get }
    /// Appends the value's wire bytes.
    func encode(into bytes: inout [UInt8])
    /// The value as a ready-to-send parameter (NULL for an absent optional).
    var postgresBind: PostgresBind { get }
    /// True only for an absent optional: it travels as NULL.
    var isPostgresNull: Bool { get }
}

extension PostgresEncodable {
    public static var postgresFormat: PostgresBind.Format { .binary }
    public var isPostgresNull: Bool { false }

    public var postgresBind: PostgresBind {
        var bytes: [UInt8] = []
        encode(into: &bytes)
        return PostgresBind(type: Self.postgresType, format: Self.postgresFormat, bytes: bytes)
    }
}

/// A type that can be an element of a PostgreSQL array parameter or column.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    static var postgresArrayType: PostgresTypeOID { get }
}

/// One result cell as the server sent it (binary format).
public struct PostgresCell: Sendable {
    public var type: PostgresTypeOID
    /// `nil` is SQL NULL.
    public var bytes: ArraySlice<UInt8>?
    public var columnName: String

    public init(type: PostgresTypeOID, bytes: ArraySlice<UInt8>?, columnName: String) {
        self.type = type
        self.bytes = bytes
        self.columnName = columnName
    }

    func mismatch(_ swiftType: Any.Type) -> PostgresError {
        PostgresError(
            code: .decodingFailed,
            message: "column \"\(columnName)\" is \(type); it cannot be read as \(swiftType)")
    }

    func malformed(_ swiftType: Any.Type) -> PostgresError {
        PostgresError(
            code: .decodingFailed,
            message: "column \"\(columnName)\" holds malformed \(type) bytes for \(swiftType)")
    }
}

/// A Swift value that can be read from a (non-NULL) result cell.
public protocol PostgresDecodable: Sendable {
    init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError)
    /// The value a NULL cell reads as, for types that have one (optionals); `nil` makes NULL an error.
    static var postgresNull: Self? { get }
}

extension PostgresDecodable {
    public static var postgresNull: Self? { nil }
}
