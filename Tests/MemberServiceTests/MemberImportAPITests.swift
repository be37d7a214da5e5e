import Foundation
import GRPCCore
import HearthDomain
import HearthImportClient
import HearthPostgres
import HearthProtos
import HearthStore
import HearthWire
import Synchronization
import Testing

@Suite("member-service: ImportMembers of a messy CSV, against PostgreSQL")
struct MemberImportAPITests {
    /// A spreadsheet export as operators send them: byte-order mark, CRLF, quoted commas and
    /// quotes, a name with a line break, full-width digits, an emoji, Chinese headers, an unknown
    /// column, a blank line, and rows that must be refused for six different reasons.
    static let messyCSV =
        "\u{FEFF}name,手机号,province,tags,wechat,consent_sms,favourite_colour\r\n"
        + "王芳,138 0013 8000,Sichuan,core;vip,wx_wang,yes,red\r\n"  // 2 inserted
        + "\"Li, Lei\",\"+86 139-0013-9000\",Sichuan,,,no,\r\n"  // 3 inserted
        + "\"Zhang \"\"Z\"\" San\",１３７００１３７０００,Hubei,\"a,b\",,,\r\n"  // 4 inserted
        + "\"Multi\nLine\",13600136000,,,,,\r\n"  // 5 inserted (the name spans two lines)
        + "😀 Emoji,13500135000,,,,,\r\n"  // 6 inserted
        + "Dup Wang,13800138000,,,,,\r\n"  // 7 duplicate_in_file (row 2's phone)
        + "Bad Phone,12345,,,,,\r\n"  // 8 phone_invalid
        + "Existing,13300133000,Beijing,,,,\r\n"  // 9 updated (province)
        + ",,,,,,\r\n"  // 10 handle_missing
        + "Too,Few\r\n"  // 11 column_count
        + "\r\n"  // 12 blank: no row, but counted
        + "Same As Before,13200132000,Sichuan,,,,\r\n"  // 13 unchanged
        + "Only WeChat,,,,wx_new,,\r\n"  // 14 inserted
        + ",13100131000,,,,,\r\n"  // 15 name_missing (a new member needs a name)
        + "Bad Consent,13000130000,,,,maybe,\r\n"  // 16 consent_invalid

    @Test func messyFileImportsWithExactCountsAndRejects() async throws {
        try await MemberServiceHarness.with { harness in
            let file = try Self.write(Self.messyCSV)
            try await harness.withClient(role: .operator) { client in
                _ = try await client.createMember(
                    createRequest(name: "Existing", phone: "13300133000", province: "Sichuan"))
                _ = try await client.createMember(
                    createRequest(name: "Same As Before", phone: "13200132000", province: "Sichuan"))

                let rejects = Rejects()
                let first = try await MemberFileImport.run(
                    file: file, client: client, dryRun: false, batchSize: 3, onRejected: rejects.add)
                #expect(first.rowsRead == 14)
                #expect(first.inserted == 6)
                #expect(first.updated == 1)
                #expect(first.unchanged == 1)
                #expect(first.rejected == 6)
                #expect(first.unknownColumns == ["favourite_colour"])
                #expect(
                    rejects.byRow
                        == [
                            7: "duplicate_in_file", 8: "phone_invalid", 10: "handle_missing", 11: "column_count",
                            15: "name_missing", 16: "consent_invalid",
                        ].merging([:], uniquingKeysWith: { $1 }))

                var list = Hearth_Member_V1_ListMembersRequest()
                list.page.pageSize = 100
                let members = try await client.listMembers(list).members
                let byPhone = Dictionary(uniqueKeysWithValues: members.map { ($0.profile.phone, $0) })
                #expect(members.count == 8)
                #expect(byPhone["+8613700137000"]?.profile.displayName == "Zhang \"Z\" San")
                #expect(byPhone["+8613700137000"]?.profile.tags == ["a", "b"])
                #expect(byPhone["+8613600136000"]?.profile.displayName == "Multi\nLine")
                #expect(byPhone["+8613500135000"]?.profile.displayName == "😀 Emoji")
                #expect(byPhone["+8613800138000"]?.profile.tags == ["core", "vip"])
                #expect(byPhone["+8613800138000"]?.profile.sourceChannel == .import)
                #expect(byPhone["+8613300133000"]?.profile.region.province == "Beijing")
                #expect(members.contains { $0.profile.displayName == "Only WeChat" && $0.profile.phone.isEmpty })

                var lookup = Hearth_Member_V1_ListMembersRequest()
                lookup.filter.query = "+8613800138000"
                let wang = try #require(try await client.listMembers(lookup).members.first)
                let identities = try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        "SELECT kind || ':' || value FROM member_identities WHERE member_id = \(UUID(uuidString: wang.memberID)!) ORDER BY kind"
                    ).map { try $0.decode(String.self, at: 0) }
                }
                #expect(identities == ["phone:+8613800138000", "wechat:wx_wang"])
                let consents = try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        "SELECT m.phone_e164, c.granted FROM member_consents c JOIN members m USING (tenant_id, member_id) WHERE c.channel = 'sms' ORDER BY 1"
                    ).map { "\(try $0.decode(String.self, at: 0))=\(try $0.decode(Bool.self, at: 1))" }
                }
                #expect(consents == ["+8613800138000=true", "+8613900139000=false"])

                // The same file again changes nothing and refuses the same rows.
                let again = Rejects()
                let second = try await MemberFileImport.run(
                    file: file, client: client, dryRun: false, onRejected: again.add)
                #expect(second.inserted == 0)
                #expect(second.updated == 0)
                #expect(second.unchanged == 8)
                #expect(second.rejected == 6)
                #expect(again.byRow == rejects.byRow)
            }
        }
    }

    @Test func dryRunCountsWithoutWriting() async throws {
        try await MemberServiceHarness.with { harness in
            let file = try Self.write(Self.messyCSV)
            try await harness.withClient(role: .operator) { client in
                let outcome = try await MemberFileImport.run(
                    file: file, client: client, dryRun: true, onRejected: Rejects().add)
                #expect(outcome.dryRun)
                #expect(outcome.inserted == 8)  // "Existing" and "Same As Before" are new here
                #expect(outcome.rejected == 6)
                let members = try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members
                #expect(members.isEmpty)
            }
        }
    }

    /// A big import refreshes the member tables' statistics, so the next calls are not planned for
    /// the tables as they were before it; a small one leaves that to autovacuum.
    @Test func aBigImportRefreshesThePlannersStatistics() async throws {
        try await MemberServiceHarness.with { harness in
            func analyzedAt() async throws -> Date? {
                try await harness.sql(
                    "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'members'"
                )[0].decode(Date?.self, at: 0)
            }
            try await harness.withClient(role: .operator) { client in
                let small = try Self.write("name,phone\n小王,13800138000\n")
                _ = try await MemberFileImport.run(
                    file: small, client: client, dryRun: false, onRejected: Rejects().add)
                #expect(try await analyzedAt() == nil)

                let rows = (1...10_000).map { "会员\($0),139\(String(format: "%08d", $0))" }
                let big = try Self.write("name,phone\n" + rows.joined(separator: "\n") + "\n")
                let outcome = try await MemberFileImport.run(
                    file: big, client: client, dryRun: false, onRejected: Rejects().add)
                #expect(outcome.inserted == 10_000)
                #expect(try await analyzedAt() != nil)
            }
        }
    }

    @Test func handlesNamingTwoMembersAreRefused() async throws {
        try await MemberServiceHarness.with { harness in
            let file = try Self.write("phone,wechat,name\n13800138000,wx_li,Wang\n13900139000,,Li\n")
            try await harness.withClient(role: .operator) { client in
                _ = try await client.createMember(createRequest(name: "Wang", phone: "13800138000"))
                let li = try await MemberFileImport.run(
                    file: try Self.write("phone,wechat,name\n13900139000,wx_li,Li\n"), client: client, dryRun: false,
                    onRejected: Rejects().add)
                #expect(li.inserted == 1)
                let rejects = Rejects()
                let outcome = try await MemberFileImport.run(
                    file: file, client: client, dryRun: false, onRejected: rejects.add)
                #expect(outcome.rejected == 1)
                #expect(outcome.unchanged == 1)
                #expect(rejects.byRow == [2: "identity_conflict"])
            }
        }
    }

    /// A second file about members the first one created: new handles are added, a refusal is
    /// recorded over a grant, a grant never overrides a refusal, and decisions equal to the ones on
    /// record change nothing.
    @Test func existingMembersGainHandlesAndOptOutWins() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let first = try await MemberFileImport.run(
                    file: try Self.write(
                        "name,phone,consent_sms,consent_im\nAn,13800138000,yes,yes\nBo,13900139000,no,\nCe,13700137000,yes,\n"
                    ),
                    client: client, dryRun: false, onRejected: Rejects().add)
                #expect(first.inserted == 3)
                let second = try await MemberFileImport.run(
                    file: try Self.write(
                        "phone,wechat,consent_sms,consent_im\n13800138000,wx_an,no,yes\n13900139000,,yes,\n13700137000,,yes,\n"
                    ),
                    client: client, dryRun: false, onRejected: Rejects().add)
                #expect(second.inserted == 0)
                #expect(second.updated == 1)  // An: a WeChat id and an SMS refusal
                #expect(second.unchanged == 2)  // Bo keeps his refusal; Ce's grant is already on record

                let rows = try await harness.pool.withTenant(harness.tenant) { connection in
                    try await connection.query(
                        """
                        SELECT m.member_id::text, m.phone_e164,
                               (SELECT string_agg(kind || ':' || value, ' ' ORDER BY kind) FROM member_identities i
                                WHERE i.member_id = m.member_id),
                               (SELECT string_agg(channel || '=' || granted, ' ' ORDER BY channel) FROM member_consents c
                                WHERE c.member_id = m.member_id),
                               (SELECT string_agg(channel || '=' || granted, ' ' ORDER BY channel, recorded_at) FROM consent_changes h
                                WHERE h.member_id = m.member_id)
                        FROM members m ORDER BY m.phone_e164 DESC
                        """
                    ).map { row in
                        (
                            id: try row.decode(String.self, at: 0), phone: try row.decode(String.self, at: 1),
                            identities: try row.decode(String.self, at: 2),
                            consents: try row.decode(String.self, at: 3),
                            history: try row.decode(String.self, at: 4)
                        )
                    }
                }
                let phones = rows.map { $0.phone }
                let identities = rows.map { $0.identities }
                let consents = rows.map { $0.consents }
                let history = rows.map { $0.history }
                #expect(phones == ["+8613900139000", "+8613800138000", "+8613700137000"])
                #expect(
                    identities == ["phone:+8613900139000", "phone:+8613800138000 wechat:wx_an", "phone:+8613700137000"])
                #expect(consents == ["sms=false", "im=true sms=false", "sms=true"])
                #expect(history == ["sms=false", "im=true sms=true sms=false", "sms=true"])
                // New members get time-ordered ids (UUID version 7) that follow the file's row order.
                let anBoCe = [rows[1].id, rows[0].id, rows[2].id]
                let versions = anBoCe.map { Array($0)[14] }
                let inFileOrder = anBoCe.sorted()
                #expect(versions == ["7", "7", "7"])
                #expect(anBoCe == inFileOrder)
                #expect(anBoCe == anBoCe.sorted())
            }
        }
    }

    @Test func headerWithoutHandleFailsBeforeCalling() async throws {
        try await MemberServiceHarness.with { harness in
            let file = try Self.write("name,province\nWang,Sichuan\n")
            try await harness.withClient(role: .operator) { client in
                _ = try await client.listMembers(Hearth_Member_V1_ListMembersRequest())  // the client is up
                await #expect(throws: MemberCSVLayoutError.self) {
                    _ = try await MemberFileImport.run(file: file, client: client, dryRun: false, onRejected: { _ in })
                }
            }
        }
    }

    @Test func viewersCannotImport() async throws {
        try await MemberServiceHarness.with { harness in
            let file = try Self.write("name,phone\nWang,13800138000\n")
            try await harness.withClient(role: .viewer) { client in
                let error = await #expect(throws: RPCError.self) {
                    _ = try await MemberFileImport.run(file: file, client: client, dryRun: false, onRejected: { _ in })
                }
                #expect(error?.code == .permissionDenied)
            }
        }
    }

    static func write(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-import-\(UUID()).csv")
        try Data(text.utf8).write(to: url)
        return url
    }
}

/// Collects refused rows from both halves of an import call.
final class Rejects: Sendable {
    private let rows = Mutex<[Int64: String]>([:])

    @Sendable func add(_ new: [Hearth_Member_V1_RejectedRow]) {
        rows.withLock { for row in new { $0[row.rowNumber] = row.reasonCode } }
    }

    var byRow: [Int64: String] { rows.withLock { $0 } }
}
