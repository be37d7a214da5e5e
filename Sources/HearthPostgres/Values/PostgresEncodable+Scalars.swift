public import Foundation

extension Bool: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .bool }
    public static var postgresArrayType: PostgresTypeOID { .boolArray }
    public func encode(into bytes: inout [UInt8]) { bytes.append(self ? 1 : 0) }

    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .bool else { throw cell.mismatch(Bool.self) }
        guard bytes.count == 1 else { throw cell.malformed(Bool.self) }
        self = bytes.first! != 0
    }
}

/// Reads any PostgreSQL integer column (int2, int4, int8, oid) and narrows it with a range check.
private func decodeInteger<T: FixedWidthInteger>(
    _: T.Type, cell: PostgresCell, bytes: ArraySlice<UInt8>
) throws(PostgresError) -> T {
    var reader = ByteReader(bytes)
    let wide: Int64?
    switch cell.type {
    case .int2 where bytes.count == 2: wide = reader.read(Int16.self).map(Int64.init)
    case .int4 where bytes.count == 4: wide = reader.read(Int32.self).map(Int64.init)
    case .oid where bytes.count == 4: wide = reader.read(UInt32.self).map(Int64.init)
    case .int8 where bytes.count == 8: wide = reader.read(Int64.self)
    case .int2, .int4, .int8, .oid: throw cell.malformed(T.self)
    default: throw cell.mismatch(T.self)
    }
    guard let wide, let narrow = T(exactly: wide) else {
        throw PostgresError(
            code: .decodingFailed,
            message: "column \"\(cell.columnName)\" holds a value out of range for \(T.self)")
    }
    return narrow
}

extension Int16: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .int2 }
    public static var postgresArrayType: PostgresTypeOID { .int2Array }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(self) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        self = try decodeInteger(Int16.self, cell: cell, bytes: bytes)
    }
}

extension Int32: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .int4 }
    public static var postgresArrayType: PostgresTypeOID { .int4Array }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(self) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        self = try decodeInteger(Int32.self, cell: cell, bytes: bytes)
    }
}

extension Int64: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .int8 }
    public static var postgresArrayType: PostgresTypeOID { .int8Array }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(self) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        self = try decodeInteger(Int64.self, cell: cell, bytes: bytes)
    }
}

extension Int: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .int8 }
    public static var postgresArrayType: PostgresTypeOID { .int8Array }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(Int64(self)) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        self = try decodeInteger(Int.self, cell: cell, bytes: bytes)
    }
}

extension Double: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .float8 }
    public static var postgresArrayType: PostgresTypeOID { .float8Array }
    public func encode(into bytes: inout [UInt8]) { bytes.appendBigEndian(bitPattern) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        var reader = ByteReader(bytes)
        switch cell.type {
        case .float8:
            guard bytes.count == 8, let bits = reader.read(UInt64.self) else { throw cell.malformed(Double.self) }
            self = Double(bitPattern: bits)
        case .float4:
            guard bytes.count == 4, let bits = reader.read(UInt32.self) else { throw cell.malformed(Double.self) }
            self = Double(Float(bitPattern: bits))
        case .int2, .int4, .int8:
            self = Double(try decodeInteger(Int64.self, cell: cell, bytes: bytes))
        default:
            throw cell.mismatch(Double.self)
        }
    }
}

extension String: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .text }
    public static var postgresArrayType: PostgresTypeOID { .textArray }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: utf8) }

    /// Reads text-like columns; `numeric` arrives as its exact decimal text and `jsonb` as its JSON text.
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        switch cell.type {
        case .text, .varchar, .bpchar, .name, .json, .unknown:
            self = String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            guard bytes.first == 1 else { throw cell.malformed(String.self) }
            self = String(decoding: bytes.dropFirst(), as: UTF8.self)
        case .numeric:
            self = try PostgresNumeric(postgresCell: cell, bytes: bytes).description
        case .uuid:
            self = try UUID(postgresCell: cell, bytes: bytes).uuidString.lowercased()
        default:
            throw cell.mismatch(String.self)
        }
    }
}

extension UUID: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .uuid }
    public static var postgresArrayType: PostgresTypeOID { .uuidArray }
    public func encode(into bytes: inout [UInt8]) {
        withUnsafeBytes(of: uuid) { bytes.append(contentsOf: $0) }
    }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .uuid else { throw cell.mismatch(UUID.self) }
        guard bytes.count == 16 else { throw cell.malformed(UUID.self) }
        let b = Array(bytes)
        self = UUID(
            uuid: (
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]
            ))
    }
}

/// Seconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01 (UTC).
let postgresEpochOffset: TimeInterval = 946_684_800

extension Date: PostgresArrayElement {
    public static var postgresType: PostgresTypeOID { .timestamptz }
    public static var postgresArrayType: PostgresTypeOID { .timestamptzArray }

    /// Sent as microseconds since 2000-01-01 UTC, rounded to the nearest microsecond (PostgreSQL's precision).
    public func encode(into bytes: inout [UInt8]) {
        let micros = ((timeIntervalSince1970 - postgresEpochOffset) * 1_000_000).rounded()
        let value: Int64 = micros >= 9.2e18 ? .max : micros <= -9.2e18 ? .min : Int64(micros)
        bytes.appendBigEndian(value)
    }

    /// Reads `timestamptz` and `timestamp` (taken as UTC); ±infinity become `distantFuture`/`distantPast`.
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .timestamptz || cell.type == .timestamp else { throw cell.mismatch(Date.self) }
        var reader = ByteReader(bytes)
        guard bytes.count == 8, let micros = reader.read(Int64.self) else { throw cell.malformed(Date.self) }
        switch micros {
        case .max: self = .distantFuture
        case .min: self = .distantPast
        default:
            let seconds = (micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000)
            let remainder = micros - seconds * 1_000_000
            self = Date(timeIntervalSince1970: Double(seconds) + postgresEpochOffset + Double(remainder) / 1_000_000)
        }
    }
}

extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresTypeOID { .bytea }
    public func encode(into bytes: inout [UInt8]) { bytes.append(contentsOf: self) }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .bytea else { throw cell.mismatch(Data.self) }
        self = Data(bytes)
    }
}

extension Decimal: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresTypeOID { .numeric }
    public static var postgresFormat: PostgresBind.Format { .text }
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(contentsOf: description.utf8)
    }
    public init(postgresCell cell: PostgresCell, bytes: ArraySlice<UInt8>) throws(PostgresError) {
        guard cell.type == .numeric else { throw cell.mismatch(Decimal.self) }
        let text = try PostgresNumeric(postgresCell: cell, bytes: bytes).description
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresError(
                code: .decodingFailed,
                message: "column \"\(cell.columnName)\" holds \(text), which Decimal cannot represent")
        }
        self = value
    }
}
