import Foundation
import HearthImportClient
import HearthProtos
import SwiftProtobuf
import Testing

@Suite("CSV records: RFC 4180 in constant memory")
struct CSVRecordReaderTests {
    @Test func readsQuotesLineBreaksAndByteOrderMark() throws {
        let reader = try CSVRecordReader(
            url: write(
                Data(
                    "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,\n".utf8)))
        let header = try #require(try reader.next())
        #expect(header.fields == ["a", "b", "c"])
        #expect(header.number == 1)
        let quoted = try #require(try reader.next())
        #expect(quoted.fields == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(quoted.number == 2)
        #expect(quoted.line == 2)
        let last = try #require(try reader.next())
        #expect(last.fields == ["last", "", ""])
        #expect(last.number == 4)  // the blank row 3 is skipped but counted
        #expect(last.line == 5)
        #expect(try reader.next() == nil)
    }

    @Test func lastRecordWithoutLineEnd() throws {
        let reader = try CSVRecordReader(url: write(Data("a,b\n1,2".utf8)))
        _ = try reader.next()
        #expect(try reader.next()?.fields == ["1", "2"])
        #expect(try reader.next() == nil)
    }

    @Test func recordsAcrossChunkBoundaries() throws {
        // Long quoted fields and CRLFs land on every offset of the 256 KiB read chunks.
        var text = "id,text\r\n"
        var expected: [[String]] = []
        for index in 0..<3_000 {
            let body = String(repeating: "漢字\"\"x,\n", count: index % 37)
            text += "\(index),\"\(body)\"\r\n"
            expected.append(["\(index)", body.replacingOccurrences(of: "\"\"", with: "\"")])
        }
        let reader = try CSVRecordReader(url: write(Data(text.utf8)))
        _ = try reader.next()
        var read: [[String]] = []
        while let record = try reader.next() { read.append(record.fields) }
        #expect(read == expected)
    }

    @Test func invalidUTF8IsFlaggedNotDropped() throws {
        var data = Data("a\n".utf8)
        data.append(contentsOf: [0x41, 0xFF, 0x42, 0x0A])
        let reader = try CSVRecordReader(url: write(data))
        _ = try reader.next()
        let record = try #require(try reader.next())
        #expect(record.hasInvalidUTF8)
        #expect(record.fields == ["A\u{FFFD}B"])
    }

    /// 姓名,手机号 as Excel in China saves it: GBK bytes, not UTF-8.
    @Test func aGBKHeaderIsNamedAsSuch() throws {
        let gbk: [UInt8] = [0xD0, 0xD5, 0xC3, 0xFB, 0x2C, 0xCA, 0xD6, 0xBB, 0xFA, 0xBA, 0xC5, 0x0A]
        let reader = try CSVRecordReader(url: write(Data(gbk)))
        let header = try #require(try reader.next())
        let refused = #expect(throws: MemberCSVLayoutError.self) { try MemberCSVLayout(header: header.fields) }
        #expect(refused?.message.contains("CSV UTF-8") == true, "\(String(describing: refused))")
    }

    @Test func unterminatedQuoteNamesItsLine() throws {
        let reader = try CSVRecordReader(url: write(Data("a\nok\n\"never closed\nmore\n".utf8)))
        _ = try reader.next()
        _ = try reader.next()
        let error = #expect(throws: CSVUnterminatedQuote.self) { try reader.next() }
        #expect(error?.line == 3)
        #expect(error?.rowNumber == 3)
    }

    @Test func layoutMapsChineseHeadersAndRefusesBadValues() throws {
        let layout = try MemberCSVLayout(header: ["姓名", "手机号", "标签", "会员等级", "微信", "colour"])
        #expect(layout.unknownColumns == ["colour"])
        #expect(layout.fieldMask.paths == ["display_name", "phone", "tags", "vip_tier"])
        let good = CSVRecord(
            number: 2, line: 2, fields: ["王芳", "13800138000", "核心、VIP", "3", "wx1", "red"], hasInvalidUTF8: false)
        let row = try layout.row(good).get()
        #expect(row.profile.tags == ["核心", "VIP"])
        #expect(row.profile.vipTier == 3)
        #expect(row.identities.map { $0.value } == ["wx1"])
        let bad = CSVRecord(
            number: 3, line: 3, fields: ["王芳", "13800138000", "", "ten", "", ""], hasInvalidUTF8: false)
        guard case .failure(let rejection) = layout.row(bad) else {
            Issue.record("a VIP tier of \"ten\" was accepted")
            return
        }
        #expect(rejection.code == "vip_tier_invalid")
        #expect(rejection.rowNumber == 3)
        #expect(throws: MemberCSVLayoutError.self) { try MemberCSVLayout(header: ["name", "province"]) }
        #expect(throws: MemberCSVLayoutError.self) { try MemberCSVLayout(header: ["phone", "手机号"]) }
    }

    private func write(_ data: Data) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-csv-\(UUID()).csv")
        try data.write(to: url)
        return url
    }
}
