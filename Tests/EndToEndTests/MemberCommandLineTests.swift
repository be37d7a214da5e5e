import Foundation
import HearthPostgres
import Testing

/// The member-service commands as an operator types them: `hearth members|events|segments|
/// communities …` against the real member-service, with the conventions every command keeps
/// (`--output table|json|csv`, exit 0 when done, 1 with a one-line reason when refused, 2 when the
/// command line is wrong).
extension EndToEndTests {
    @Test func theMemberCommandsWorkFromTheCommandLine() async throws {
        try await EndToEndStack.with { stack in
            try await signIn(stack)
            let members = try await membersAreCreatedUpdatedAndShownInFull(stack)
            try await eventsImportCountsOnceAndReportsEachRefusedRow(stack, member: members.first)
            try await memberImportWritesItsRejectsFile(stack)
            try await segmentsAreTypedPreviewedAndListed(stack)
            try await communitiesFillUpBanAndReplicate(stack, members: members)
        }
    }

    private func signIn(_ stack: EndToEndStack) async throws {
        let created = try await stack.hearthSucceeding([
            "tenants", "create", "--slug", "cli", "--name", "成都连锁药房", "--output", "json",
        ])
        let facts = try JSONSerialization.jsonObject(with: Data(created.utf8)) as? [String: String]
        let tenant = try #require(facts?["tenant_id"])
        let token = try await stack.hearthSucceeding([
            "token", "issue", "--tenant", tenant, "--operator", "ops-wang", "--role", "operator", "--ttl", "1h",
        ])
        stack.useToken(token.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Phones typed as operators type them, a refused phone, a usage error, an update of a few
    /// fields and `members get` showing the whole member.
    private func membersAreCreatedUpdatedAndShownInFull(_ stack: EndToEndStack) async throws -> [String] {
        var ids: [String] = []
        for (name, phone, kind) in [
            ("王芳", "+86 138-0013-8000", "pharmacy"), ("李雷", "１３８００１３８００１", "clinic"),
            ("张三", "0086 13800138002", "pharmacy"), ("赵四", "13800138003", "hospital"),
        ] {
            let rows = try await stack.hearthRows([
                "members", "create", "--name", name, "--phone", phone, "--province", "Sichuan", "--org-kind", kind,
            ])
            #expect(rows.count == 1)
            ids.append(try #require(rows.first?["id"]))
        }
        let phones = try await stack.query("SELECT phone_e164 FROM members ORDER BY phone_e164")
            .map { try $0.decode(String.self, at: 0) }
        #expect(phones == ["+8613800138000", "+8613800138001", "+8613800138002", "+8613800138003"])

        let refused = try await stack.hearth(["members", "create", "--name", "坏号码", "--phone", "12345"])
        #expect(refused.status == 1)
        #expect(refused.errors.contains("12345 is not a phone number"), "\(refused.errors)")
        #expect(refused.errors.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        let usage = try await stack.hearth(["members", "create", "--phone", "13800138009"])
        #expect(usage.status == 2, "a missing --name is a usage error: \(usage.errors)")
        let nothingToChange = try await stack.hearth(["members", "update", ids[0]])
        #expect(nothingToChange.status == 2)

        let updated = try await stack.hearthRows([
            "members", "update", ids[0], "--city", "成都", "--stage", "fan", "--interest", "中医", "--interest", "保健",
            "--vip-tier", "2",
        ])
        #expect(updated.first?["city"] == "成都")
        #expect(updated.first?["stage"] == "fan")
        let consent = try await stack.hearth([
            "members", "consent", "set", ids[0], "--channel", "sms", "--grant", "--source", "signup_form",
        ])
        #expect(consent.succeeded, "\(consent.errors)")
        let member = try await memberFacts(stack, ids[0])
        #expect(member["city"] == "成都")
        #expect(member["interests"] == "中医;保健")
        #expect(member["vip"] == "2")
        #expect(member["identities"] == "phone +8613800138000")
        #expect(member["consent_sms"]?.hasPrefix("granted (signup_form, ") == true)
        #expect(member["consent_im"] == "none")
        #expect(member["total_spend"] == "0.00")
        let first = try #require(UUID(uuidString: ids[0]))
        let stage = try await stack.query("SELECT lifecycle_stage FROM members WHERE member_id = \(first)")
        #expect(try stage.first?.decode(String.self, at: 0) == "fan")
        // The operator's move is on record next to the lifecycle job's.
        let moves = try await stack.query(
            "SELECT from_stage || '>' || to_stage || ':' || reason FROM lifecycle_moves WHERE member_id = \(first)")
        #expect(try moves.map { try $0.decode(String.self, at: 0) } == ["audience>fan:operator"])

        let csv = try await stack.hearthSucceeding(["members", "list", "--province", "Sichuan", "--output", "csv"])
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "id,name,phone,province,city,stage,vip,tags,created,deleted")
        #expect(lines.count == 5)
        // The profile filters, as an operator types them.
        let chengduFans = try await stack.hearthRows([
            "members", "list", "--city", "成都", "--stage", "fan", "--vip-min", "1", "--interest", "保健",
        ])
        #expect(chengduFans.map { $0["id"] } == [ids[0]])
        let badTier = try await stack.hearth(["members", "list", "--vip-max", "12"])
        #expect(badTier.status == 2, "\(badTier.errors)")
        let byVIP = try await stack.hearthRows(["members", "list", "--order", "name", "--vip-min", "2"])
        #expect(byVIP.map { $0["id"] } == [ids[0]])
        let badOrder = try await stack.hearth(["members", "list", "--order", "richest"])
        #expect(badOrder.status == 2, "\(badOrder.errors)")
        return ids
    }

    /// `members get ID --output json`: one object of facts.
    private func memberFacts(_ stack: EndToEndStack, _ id: String) async throws -> [String: String] {
        let output = try await stack.hearthSucceeding(["members", "get", id, "--output", "json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String])
    }

    /// NDJSON events naming members by phone: a purchase moves the member's totals once however
    /// often the file is imported; an unknown member and an unknown kind are reported by row.
    private func eventsImportCountsOnceAndReportsEachRefusedRow(_ stack: EndToEndStack, member: String?)
        async throws
    {
        let member = try #require(member)
        let file = stack.scratch.appendingPathComponent("events.ndjson")
        // A week ago, so the purchases stay inside the rules' 90-day windows whenever the test runs.
        let bought = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 7 * 86_400).rounded(.down))
        let messaged = bought.addingTimeInterval(86_400)
        let iso = ISO8601DateFormatter()
        try """
        {"phone": "+8613800138000", "kind": "purchase", "occurred_at": "\(iso.string(from: bought))", "idempotency_key": "order-1", "amount_fen": 12800}
        {"phone": "13800138099", "kind": "purchase", "occurred_at": "\(iso.string(from: bought))", "idempotency_key": "order-2", "amount_fen": 500}
        {"phone": "+8613800138000", "kind": "message", "occurred_at": "\(iso.string(from: messaged))", "idempotency_key": "message-1"}
        {"phone": "+8613800138000", "kind": "fly", "occurred_at": "\(iso.string(from: messaged))", "idempotency_key": "message-2"}
        {"phone": "+8613800138001", "kind": "purchase", "occurred_at": "\(iso.string(from: bought))", "idempotency_key": "order-3", "amount_fen": 6600}

        """.write(to: file, atomically: true, encoding: .utf8)
        let first = try await stack.hearthSucceeding(["events", "import", file.path, "--output", "json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: String])
        #expect(summary["rows"] == "5")
        #expect(summary["accepted"] == "3")
        #expect(summary["rejected"] == "2")
        // Paths print as they are, so a script can open them.
        #expect(summary["rejects_file"] == file.path + ".rejects.csv")
        let rejects = try String(contentsOfFile: file.path + ".rejects.csv", encoding: .utf8)
        // In row order, although the file check refused row 4 before the service refused row 2.
        let lines = rejects.split(separator: "\n")
        #expect(lines.count == 3, "\(rejects)")
        #expect(
            lines.dropFirst().first?.hasPrefix(
                "2,,member_unknown,no member of this tenant holds phone +8613800138099; ") == true, "\(rejects)")
        #expect(lines.last?.hasPrefix("4,kind,kind_unknown,") == true, "\(rejects)")

        let again = try await stack.hearthSucceeding(["events", "import", file.path, "--output", "json"])
        let second = try #require(try JSONSerialization.jsonObject(with: Data(again.utf8)) as? [String: String])
        #expect(second["accepted"] == "0")
        #expect(second["duplicate"] == "3")
        // For a cron job: the same summary, then exit 1 because rows were refused.
        let strict = try await stack.hearth(["events", "import", file.path, "--fail-on-rejects", "--output", "json"])
        #expect(strict.status == 1, "\(strict.errors)")
        #expect(strict.output.contains(#""rejected" : "2""#), "\(strict.output)")
        #expect(strict.errors.contains("2 rows were refused"), "\(strict.errors)")
        let facts = try await memberFacts(stack, member)
        #expect(facts["total_spend"] == "128.00")
        #expect(facts["orders"] == "1")
        #expect(facts["last_active"] == iso.string(from: messaged))

        // Once the worker has scored the tenant, `members get` shows the score.
        try await stack.hearthSucceeding(["jobs", "run", "scores", "--wait"], timeout: .seconds(300))
        let scored = try await memberFacts(stack, member)
        #expect(Double(scored["engagement_score"] ?? "") ?? 0 > 0, "\(scored)")
    }

    /// A CSV with a byte-order mark and CRLF lines: the good rows land, the bad one is in the rejects
    /// file with its spreadsheet row number; `--dry-run` first writes nothing.
    private func memberImportWritesItsRejectsFile(_ stack: EndToEndStack) async throws {
        let file = stack.scratch.appendingPathComponent("members.csv")
        let csv =
            "\u{FEFF}姓名,手机号,省份,标签,favourite_colour\r\n"
            + "钱七,13900139000,Sichuan,core,red\r\n" + "孙八,139-0013-9001,Hubei,,blue\r\n"
            + "周九,12345,Sichuan,,green\r\n"
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let dryRun = try await stack.hearthSucceeding(["members", "import", file.path, "--dry-run", "--output", "json"])
        #expect(dryRun.contains(#""inserted" : "2""#), "\(dryRun)")
        let none = try await stack.query("SELECT count(*) FROM members WHERE display_name = '钱七'")
        #expect(try none[0].decode(Int64.self, at: 0) == 0)

        let output = try await stack.hearthSucceeding(["members", "import", file.path, "--output", "json"])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(summary["inserted"] as? String == "2", "\(output)")
        #expect(summary["rejected"] as? String == "1", "\(output)")
        #expect("\(summary["unknown_columns"] ?? "")".contains("favourite_colour"), "\(output)")
        let rejects = try String(contentsOfFile: file.path + ".rejects.csv", encoding: .utf8)
        #expect(rejects.split(separator: "\n").count == 2, "\(rejects)")
        #expect(rejects.contains("4,phone,"), "\(rejects)")
        let rerun = try await stack.hearthSucceeding(["members", "import", file.path, "--output", "json"])
        #expect(rerun.contains(#""inserted" : "0""#) && rerun.contains(#""updated" : "0""#), "\(rerun)")

        // An import the service refuses leaves the last complete report where it was.
        let refused = try await stack.hearth(["members", "import", file.path, "--token", "not-a-token"])
        #expect(refused.status == 1, "\(refused.errors)")
        #expect(try String(contentsOfFile: file.path + ".rejects.csv", encoding: .utf8) == rejects)

        // A folder or a missing file is named as such before any call.
        let folder = try await stack.hearth(["members", "import", stack.scratch.path])
        #expect(folder.status == 1 && folder.errors.contains("is a folder"), "\(folder.errors)")
        let missing = try await stack.hearth(["events", "import", file.path + ".gone"])
        #expect(missing.status == 1 && missing.errors.contains("does not exist"), "\(missing.errors)")
    }

    /// A nested rule typed on the command line, a rule with a mistake pointing at its line and
    /// column, a preview whose count the database confirms, and the segment's members streamed.
    private func segmentsAreTypedPreviewedAndListed(_ stack: EndToEndStack) async throws {
        let vip = try await stack.hearthRows([
            "segments", "create", "vip-sichuan", "--rule", #"region.province = "Sichuan" and vip_tier >= 2"#,
        ])
        let vipID = try #require(vip.first?["id"])
        let wrong = try await stack.hearth([
            "segments", "create", "broken", "--rule", "region.province = \"Sichuan\" and\n  vip_tier >= ",
        ])
        #expect(wrong.status == 1)
        #expect(wrong.errors.contains("line 2, column 14"), "\(wrong.errors)")

        let rule = #"""
            region.province = "Sichuan" and org_kind in ("pharmacy", "clinic") and (vip_tier >= 1 or tag "core") \#
            or (purchases(last 90d).count >= 1 and not member_of("vip-sichuan"))
            """#
        let preview = try await stack.hearthRows(["segments", "preview", "--rule", rule, "--sample", "10"])
        let expected = try await stack.query(
            """
            SELECT count(*) FROM members m
            WHERE (m.province = 'Sichuan' AND m.org_kind IN ('pharmacy', 'clinic') AND (m.vip_tier >= 1 OR 'core' = ANY (m.tags)))
               OR (EXISTS (SELECT 1 FROM events e WHERE e.member_id = m.member_id AND e.kind = 'purchase'
                                                   AND e.occurred_at >= now() - interval '90 days')
                   AND NOT (m.province = 'Sichuan' AND m.vip_tier >= 2))
            """)[0].decode(Int64.self, at: 0)
        #expect(expected > 0)
        #expect(preview.first.flatMap { $0["member_count"] }.flatMap { Int64($0) } == expected)
        // 王芳 by the first branch (VIP pharmacy); 李雷 by the second (bought, not in vip-sichuan).
        #expect(Set(preview.compactMap { $0["sample_name"] }) == ["王芳", "李雷"])

        let listed = try await stack.hearthRows(["segments", "list"])
        #expect(listed.map { $0["name"] } == ["vip-sichuan"])
        let shown = try await stack.hearthSucceeding(["segments", "get", vipID, "--output", "json"])
        let facts = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: String])
        #expect(facts["name"] == "vip-sichuan")
        #expect(facts["kind"] == "dynamic")
        #expect(facts["rule"]?.contains("vip_tier >= 2") == true)
        let streamed = try await stack.hearthSucceeding(["segments", "members", vipID, "--output", "csv"])
        let vipCount = try await stack.query(
            "SELECT count(*) FROM members WHERE province = 'Sichuan' AND vip_tier >= 2")[0].decode(Int64.self, at: 0)
        #expect(Int64(streamed.split(separator: "\n").count - 1) == vipCount)
        let inSegment = try await stack.hearthRows(["members", "list", "--segment", vipID, "--city", "成都"])
        let vipInChengdu = try await stack.query(
            "SELECT count(*) FROM members WHERE province = 'Sichuan' AND vip_tier >= 2 AND city = '成都'"
        )[0].decode(Int64.self, at: 0)
        #expect(vipInChengdu > 0)
        #expect(Int64(inSegment.count) == vipInChengdu)
    }

    /// A two-seat group fills, refuses the third, bans a member (who then cannot rejoin), and its
    /// join link routes newcomers to the free seat, then to a replica seeded with a core member.
    private func communitiesFillUpBanAndReplicate(_ stack: EndToEndStack, members: [String]) async throws {
        try #require(members.count == 4)
        let created = try await stack.hearthRows([
            "communities", "create", "--name", "成都药店会员群", "--platform", "wechat", "--capacity", "2",
            "--join-policy", "open", "--rules", "不发广告",
        ])
        let group = try #require(created.first?["id"])
        #expect(created.first?["capacity"] == "2")
        try await stack.hearthSucceeding(["communities", "join", group, members[0]])
        try await stack.hearthSucceeding(["communities", "join", group, members[1]])
        let full = try await stack.hearth(["communities", "join", group, members[2]])
        #expect(full.status == 1)
        #expect(full.errors.contains("full"), "\(full.errors)")
        try await stack.hearthSucceeding(["communities", "role", group, members[0], "core"])

        try await stack.hearthSucceeding([
            "communities", "moderate", group, members[1], "ban", "--reason", "发广告",
        ])
        let rejoin = try await stack.hearth(["communities", "join", group, members[1]])
        #expect(rejoin.status == 1)
        #expect(rejoin.errors.contains("banned"), "\(rejoin.errors)")
        let moderation = try await stack.hearthRows(["communities", "moderation", "--community", group])
        #expect(moderation.map { $0["kind"] } == ["ban"])
        #expect(moderation.first?["reason"] == "发广告")
        #expect(moderation.first?["operator"] == "ops-wang")

        let link = try await stack.hearthRows(["communities", "link", "create", group, "--source", "qr_poster"])
        let token = try #require(link.first?["token"])
        let first = try await stack.hearthRows(["communities", "link", "resolve", token, "--member", members[2]])
        #expect(first.first?["id"] == group, "the ban freed a seat in the first group")
        let second = try await stack.hearthRows(["communities", "link", "resolve", token, "--member", members[3]])
        let replica = try #require(second.first)
        #expect(replica["id"] != group)
        #expect(replica["seq"] == "2")
        #expect(replica["replicated"] == "yes")
        // A link makes its group the first of a family; the replica joins that family.
        #expect(replica["family"] == first.first?["family"])
        let seated = try await stack.hearthRows(["communities", "members", "--community", try #require(replica["id"])])
        #expect(Set(seated.map { $0["member"] }) == [members[0], members[3]], "the core member seeds the replica")
        let settings = try await stack.hearthSucceeding(["communities", "get", try #require(replica["id"])])
        #expect(settings.contains("不发广告"))

        // A pass phrase read from a file, never typed where shell history keeps it.
        let phrase = stack.scratch.appendingPathComponent("phrase.txt")
        try "芝麻开门\n".write(to: phrase, atomically: true, encoding: .utf8)
        let guarded = try await stack.hearthRows([
            "communities", "create", "--name", "暗号群", "--platform", "qq", "--pass-phrase", "@" + phrase.path,
        ])
        let guardedID = try #require(guarded.first?["id"])
        let wrongPhrase = try await stack.hearth(["communities", "join", guardedID, members[2], "--pass-phrase", "芝麻"])
        #expect(wrongPhrase.status == 1, "\(wrongPhrase.errors)")
        try await stack.hearthSucceeding([
            "communities", "join", guardedID, members[2], "--pass-phrase", "@" + phrase.path,
        ])
    }
}
