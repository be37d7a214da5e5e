extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresTypeOID { Wrapped.postgresType }
    public static var postgresFormat: PostgresBind.Format { Wrapped.postgresFormat }
    public func encode(into bytes: inout [UInt8]) { self?.encode(into: &bytes) }

    public var isPostgresNull: Bool { self == nil }

    /// `nil` is sent as SQL NULL of the wrapped type.
    public var postgresBind: PostgresBind {
        switch self {
        case .some(let value): value.postgresBind
        case .none: PostgresBind(type: Wrapped.postgresType, format: Wrapped.postgresFormat, bytes: nil)
        }
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        self = .some(try Wrapped(postgresCell: cell, bytes: bytes))
    }

    public static var postgresNull: Self? { .some(.none) }
}

/// An optional element makes an array that may hold NULLs, e.g. `[Int64?]` for `int8[]`.
extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {
    public static var postgresArrayType: PostgresTypeOID { Wrapped.postgresArrayType }
}

/// Arrays travel in PostgreSQL's binary array format: one dimension, lower bound 1.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { Element.postgresArrayType }

    public func encode(into bytes: inout [UInt8]) {
        bytes.appendBigEndian(Int32(1))  // dimensions
        bytes.appendBigEndian(Int32(contains { $0.isPostgresNull } ? 1 : 0))  // has nulls
        bytes.appendBigEndian(Element.postgresType.rawValue)
        bytes.appendBigEndian(Int32(count))
        bytes.appendBigEndian(Int32(1))  // lower bound
        var element: [UInt8] = []
        for value in self {
            if value.isPostgresNull {
                bytes.appendBigEndian(Int32(-1))
                continue
            }
            element.removeAll(keepingCapacity: true)
            value.encode(into: &element)
            bytes.appendBigEndian(Int32(element.count))
            bytes.append(contentsOf: element)
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    /// Reads a one-dimensional array (an empty array has zero dimensions); a NULL element is an error
    /// unless the element type is optional.
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        var reader = ByteReader(bytes)
        guard let dimensions = reader.read(Int32.self), reader.read(Int32.self) != nil,
            let elementType = reader.read(UInt32.self)
        else { throw cell.malformed([Element].self) }
        if dimensions == 0 {
            self = []
            return
        }
        guard dimensions == 1, let count = reader.read(Int32.self), count >= 0, reader.read(Int32.self) != nil
        else {
            throw PostgresError(
                code: .decodingFailed,
                message:
                    "column \"\(cell.columnName)\" is a \(dimensions)-dimensional array; only one dimension is read")
        }
        let elementCell = PostgresCell(
            type: PostgresTypeOID(rawValue: elementType), bytes: nil, columnName: cell.columnName)
        var values: [Element] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let length = reader.read(Int32.self) else { throw cell.malformed([Element].self) }
            if length < 0, let null = Element.postgresNull {
                values.append(null)
                continue
            }
            guard length >= 0 else {
                throw PostgresError(
                    code: .decodingFailed,
                    message:
                        "column \"\(cell.columnName)\" has a NULL array element; read it as an array of optionals instead"
                )
            }
            guard let element = reader.readBytes(Int(length)) else { throw cell.malformed([Element].self) }
            values.append(try Element(postgresCell: elementCell, bytes: element))
        }
        self = values
    }
}
