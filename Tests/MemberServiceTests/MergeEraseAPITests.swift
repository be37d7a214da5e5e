import Foundation
import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: duplicates, merges and erasure over the wire, against PostgreSQL")
struct MergeEraseAPITests {
    /// A consent decision `hoursAgo` hours before now (whole seconds).
    static func consent(
        _ member: String, _ channel: Hearth_Common_V1_ConsentChannel, granted: Bool, hoursAgo: Double,
        source: String = "signup_form"
    ) -> Hearth_Member_V1_SetConsentRequest {
        var request = Hearth_Member_V1_SetConsentRequest()
        request.memberID = member
        request.consent.channel = channel
        request.consent.granted = granted
        request.consent.source = source
        request.consent.changedAt = Google_Protobuf_Timestamp(
            date: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - hoursAgo * 3600).rounded(.down)))
        return request
    }

    @Test func duplicatesAreFoundAndMergedWithEverythingTheyHold() async throws {
        try await MemberServiceHarness.with { harness in
            var first = createRequest(name: "王芳", phone: "13800138000", tags: ["vip"])
            first.profile.email = "wang@example.com"
            let a = try await harness.createMember(first)
            var second = createRequest(name: "Wang Fang", phone: "13900139000", province: "Sichuan", tags: ["sichuan"])
            second.profile.email = "WANG@example.com"
            let b = try await harness.createMember(second)
            let c = try await harness.createMember(createRequest(name: "Someone else"))

            try await harness.withClient(role: .viewer) { client in
                let all = try await client.findDuplicates(Hearth_Member_V1_FindDuplicatesRequest())
                #expect(all.groups.map(\.memberIds) == [[a.memberID, b.memberID]])
                #expect(all.groups.first?.shared.map(\.value) == ["wang@example.com"])
                var ofC = Hearth_Member_V1_FindDuplicatesRequest()
                ofC.memberID = c.memberID
                #expect(try await client.findDuplicates(ofC).groups.isEmpty)
                ofC.memberID = UUID().uuidString.lowercased()
                let unknown = await #expect(throws: RPCError.self) { try await client.findDuplicates(ofC) }
                #expect(unknown?.code == .notFound)
            }

            // What B holds: a WeChat id, events, consents, groups and a static segment place.
            try await harness.withClient(role: .admin) { client in
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = b.memberID
                add.identity = handle(.wechat, "wangfang_88")
                _ = try await client.addIdentity(add)
                var events = Hearth_Member_V1_RecordEventsRequest()
                events.events = [
                    EventAPITests.input(member: a.memberID, kind: .purchase, key: "order-a1", amount: 100),
                    EventAPITests.input(member: b.memberID, kind: .purchase, key: "order-b1", amount: 200),
                    EventAPITests.input(member: b.memberID, kind: .purchase, key: "order-b2", amount: 300),
                    EventAPITests.input(member: b.memberID, kind: .checkIn, key: "checkin-b1"),
                ]
                #expect(try await client.recordEvents(events).acceptedCount == 4)
                _ = try await client.setConsent(Self.consent(a.memberID, .sms, granted: true, hoursAgo: 1))
                _ = try await client.setConsent(
                    Self.consent(b.memberID, .sms, granted: false, hoursAgo: 2, source: "sms_reply_td"))
                _ = try await client.setConsent(Self.consent(b.memberID, .im, granted: true, hoursAgo: 3))
            }
            let t = harness.tenant.rawValue
            let (a1, b1) = (UUID(uuidString: a.memberID)!, UUID(uuidString: b.memberID)!)
            let groups = try await harness.sql(
                """
                INSERT INTO communities (tenant_id, name, platform, capacity)
                VALUES (\(t), 'Group 1', 'wechat', 500), (\(t), 'Group 2', 'wechat', 500), (\(t), 'Group 3', 'qq', 500)
                RETURNING community_id
                """
            ).map { try $0.decode(UUID.self, at: 0) }
            try await harness.sql(
                """
                INSERT INTO memberships (tenant_id, community_id, member_id, role, status, joined_at, left_at)
                VALUES (\(t), \(groups[0]), \(a1), 'regular', 'active', now(), NULL),
                       (\(t), \(groups[0]), \(b1), 'admin', 'active', now(), NULL),
                       (\(t), \(groups[1]), \(b1), 'core', 'active', now(), NULL),
                       (\(t), \(groups[2]), \(a1), 'regular', 'active', now(), NULL),
                       (\(t), \(groups[2]), \(b1), 'regular', 'banned', now() - interval '1 day', now())
                """)
            let segment = try await harness.sql(
                "INSERT INTO segments (tenant_id, name, kind) VALUES (\(t), 'frozen list', 'static') RETURNING segment_id"
            )[0].decode(UUID.self, at: 0)
            try await harness.sql(
                "INSERT INTO segment_members (tenant_id, segment_id, member_id) VALUES (\(t), \(segment), \(b1))")

            try await harness.withClient(role: .agent) { client in
                var merge = Hearth_Member_V1_MergeMembersRequest()
                merge.survivorMemberID = a.memberID
                merge.mergedMemberID = b.memberID
                let denied = await #expect(throws: RPCError.self) { try await client.mergeMembers(merge) }
                #expect(denied?.code == .permissionDenied)
            }
            let merged = try await harness.withClient(role: .operator) { client in
                var merge = Hearth_Member_V1_MergeMembersRequest()
                merge.survivorMemberID = a.memberID
                merge.mergedMemberID = b.memberID
                merge.reason = "same person, two phones"
                return try await client.mergeMembers(merge)
            }
            #expect(!merged.mergeID.isEmpty)
            let survivor = merged.survivor
            #expect(survivor.memberID == a.memberID)
            #expect(survivor.profile.phone == "+8613800138000")
            #expect(survivor.profile.region.province == "Sichuan")
            #expect(survivor.profile.tags == ["sichuan", "vip"])
            #expect(
                Set(survivor.identities.map(\.value)) == ["+8613800138000", "+8613900139000", "wangfang_88"])
            let consents = Dictionary(uniqueKeysWithValues: survivor.consents.map { ($0.channel, $0) })
            #expect(consents[.sms]?.granted == false)  // B's older refusal wins over A's grant
            #expect(consents[.sms]?.source == "sms_reply_td")
            #expect(consents[.im]?.granted == true)

            // Events, groups, segment places and the record of the merge.
            let events = try await harness.sql(
                """
                SELECT count(*) FILTER (WHERE member_id = \(a1)), count(*) FILTER (WHERE member_id = \(b1)),
                       coalesce(sum(amount_fen), 0)::bigint
                FROM events WHERE tenant_id = \(t)
                """)[0]
            #expect(try events.decode(Int64.self, at: 0) == 4)
            #expect(try events.decode(Int64.self, at: 1) == 0)
            #expect(try events.decode(Int64.self, at: 2) == 600)
            let memberships = try await harness.sql(
                """
                SELECT community_id, member_id, role, status FROM memberships
                WHERE tenant_id = \(t) ORDER BY community_id, member_id
                """
            ).map {
                [
                    try $0.decode(UUID.self, at: 0).uuidString, try $0.decode(UUID.self, at: 1).uuidString,
                    try $0.decode(String.self, at: 2), try $0.decode(String.self, at: 3),
                ]
            }
            #expect(
                Set(memberships) == [
                    [groups[0].uuidString, a1.uuidString, "admin", "active"],
                    [groups[1].uuidString, a1.uuidString, "core", "active"],
                    [groups[2].uuidString, a1.uuidString, "regular", "banned"],
                ])
            let places = try await harness.sql(
                "SELECT member_id FROM segment_members WHERE tenant_id = \(t) AND segment_id = \(segment)"
            ).map { try $0.decode(UUID.self, at: 0) }
            #expect(places == [a1])
            let record = try await harness.sql(
                "SELECT merge_id, survivor_member_id, merged_member_id, reason FROM member_merges WHERE tenant_id = \(t)"
            )
            #expect(record.count == 1)
            #expect(try record[0].decode(UUID.self, at: 0).uuidString.lowercased() == merged.mergeID)
            #expect(try record[0].decode(UUID.self, at: 1) == a1)
            #expect(try record[0].decode(UUID.self, at: 2) == b1)
            #expect(try record[0].decode(String.self, at: 3) == "same person, two phones")

            try await harness.withClient(role: .operator) { client in
                // The merged profile leaves lists, points at the survivor, and its handles find the survivor.
                let listed = try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members
                #expect(Set(listed.map(\.memberID)) == [a.memberID, c.memberID])
                var batch = Hearth_Member_V1_BatchGetMembersRequest()
                batch.memberIds = [b.memberID]
                #expect(try await client.batchGetMembers(batch).members.first?.mergedIntoMemberID == a.memberID)
                var lookup = Hearth_Member_V1_LookupMemberRequest()
                lookup.identity = handle(.phone, "139 0013 9000")
                #expect(try await client.lookupMember(lookup).member.memberID == a.memberID)
                #expect(try await client.findDuplicates(Hearth_Member_V1_FindDuplicatesRequest()).groups.isEmpty)

                // The consent history of the survivor includes the merged profile's.
                var history = Hearth_Member_V1_ListConsentChangesRequest()
                history.memberID = a.memberID
                history.channel = .sms
                let sources = try await client.listConsentChanges(history).changes.map(\.source)
                #expect(sources.filter { $0 == "sms_reply_td" }.count == 2)  // B's answer, and A's copy of it

                // The merged-away id takes no new events.
                var late = Hearth_Member_V1_RecordEventsRequest()
                late.events = [EventAPITests.input(member: b.memberID, kind: .share, key: "late-b")]
                let refused = try await client.recordEvents(late).results
                #expect(refused.map(\.reasonCode) == ["member_unknown"])
                #expect(refused.first?.reason.hasPrefix("this tenant has no member \(b.memberID)") == true)

                // What cannot be merged.
                var again = Hearth_Member_V1_MergeMembersRequest()
                again.survivorMemberID = a.memberID
                again.mergedMemberID = b.memberID
                let twice = await #expect(throws: RPCError.self) { try await client.mergeMembers(again) }
                #expect(twice?.code == .failedPrecondition)
                again.mergedMemberID = a.memberID
                let itself = await #expect(throws: RPCError.self) { try await client.mergeMembers(again) }
                #expect(itself?.code == .failedPrecondition)
                again.survivorMemberID = b.memberID
                again.mergedMemberID = c.memberID
                let intoMerged = await #expect(throws: RPCError.self) { try await client.mergeMembers(again) }
                #expect(intoMerged?.code == .failedPrecondition)
                #expect(intoMerged?.message.contains(a.memberID) == true)
                again.survivorMemberID = UUID().uuidString.lowercased()
                let unknown = await #expect(throws: RPCError.self) { try await client.mergeMembers(again) }
                #expect(unknown?.code == .notFound)
            }
            try await harness.withClient(tenant: harness.otherTenant, role: .operator) { client in
                let theirs = try await client.createMember(createRequest(name: "Theirs")).member
                var across = Hearth_Member_V1_MergeMembersRequest()
                across.survivorMemberID = theirs.memberID
                across.mergedMemberID = c.memberID
                let hidden = await #expect(throws: RPCError.self) { try await client.mergeMembers(across) }
                #expect(hidden?.code == .notFound)
                #expect(hidden?.message.contains(c.memberID) == true)
            }
        }
    }

    @Test func retriedWritesWithAKeyHappenOnce() async throws {
        try await MemberServiceHarness.with { harness in
            let a = try await harness.createMember(createRequest(name: "A"))
            let b = try await harness.createMember(createRequest(name: "B"))
            try await harness.withClient(role: .operator) { client in
                var merge = Hearth_Member_V1_MergeMembersRequest()
                merge.survivorMemberID = a.memberID
                merge.mergedMemberID = b.memberID
                merge.idempotencyKey = "merge-1"
                let first = try await client.mergeMembers(merge)
                let retry = try await client.mergeMembers(merge)
                #expect(retry.mergeID == first.mergeID)

                merge.reason = "another request under the same key"
                let reused = await #expect(throws: RPCError.self) { try await client.mergeMembers(merge) }
                #expect(reused?.code == .failedPrecondition)
                #expect(errorDetail(reused)?.reason == "idempotency_key_reused")

                var consent = Hearth_Member_V1_SetConsentRequest()
                consent.memberID = a.memberID
                consent.consent.channel = .sms
                consent.consent.granted = true
                consent.consent.source = "signup_form"
                consent.idempotencyKey = "consent-1"
                let given = try await client.setConsent(consent)
                #expect(try await client.setConsent(consent) == given)
            }
            let changes = try await harness.sql(
                "SELECT count(*) FROM consent_changes WHERE tenant_id = \(harness.tenant.rawValue)")
            #expect(try changes[0].decode(Int64.self, at: 0) == 1)
        }
    }

    @Test func erasureScrubsPersonalDataAndKeepsTotals() async throws {
        try await MemberServiceHarness.with { harness in
            var request = createRequest(name: "李雷", phone: "13800138000", province: "Sichuan", tags: ["vip"])
            request.profile.email = "li@example.com"
            request.profile.orgKind = "pharmacy"
            let member = try await harness.createMember(request)
            let id = UUID(uuidString: member.memberID)!
            let t = harness.tenant.rawValue
            try await harness.withClient(role: .admin) { client in
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = member.memberID
                add.identity = handle(.wechat, "lilei")
                _ = try await client.addIdentity(add)
                _ = try await client.setConsent(Self.consent(member.memberID, .sms, granted: true, hoursAgo: 1))
                var events = Hearth_Member_V1_RecordEventsRequest()
                events.events = [
                    EventAPITests.input(member: member.memberID, kind: .purchase, key: "order-1", amount: 1_200),
                    EventAPITests.input(member: member.memberID, kind: .purchase, key: "order-2", amount: 800),
                ]
                _ = try await client.recordEvents(events)
            }
            func totals() async throws -> [Int64] {
                let row = try await harness.sql(
                    """
                    SELECT count(*), coalesce(sum(amount_fen), 0)::bigint, count(*) FILTER (WHERE member_id = \(id))
                    FROM events WHERE tenant_id = \(t)
                    """)[0]
                return [
                    try row.decode(Int64.self, at: 0), try row.decode(Int64.self, at: 1),
                    try row.decode(Int64.self, at: 2),
                ]
            }
            let before = try await totals()
            #expect(before == [2, 2_000, 2])

            var erase = Hearth_Member_V1_EraseMemberRequest()
            erase.memberID = member.memberID
            erase.reason = "PIPL request 2025-031"
            try await harness.withClient(role: .operator) { client in
                let denied = await #expect(throws: RPCError.self) { try await client.eraseMember(erase) }
                #expect(denied?.code == .permissionDenied)
            }
            try await harness.withClient(tenant: harness.otherTenant, role: .admin) { client in
                let hidden = await #expect(throws: RPCError.self) { try await client.eraseMember(erase) }
                #expect(hidden?.code == .notFound)
            }
            let erased = try await harness.withClient(role: .admin) { client in
                try await client.eraseMember(erase)
            }
            #expect(erased.memberID == member.memberID)
            #expect(erased.hasErasedAt)

            let row = try await harness.sql(
                """
                SELECT display_name, phone_e164, email, province, city, org_kind, cardinality(tags), erased_at
                FROM members WHERE tenant_id = \(t) AND member_id = \(id)
                """)[0]
            #expect(try row.decode(String.self, at: 0) == MemberErasure.placeholderName)
            for column in 1...5 { #expect(row.isNull(at: column)) }
            #expect(try row.decode(Int64.self, at: 6) == 0)
            #expect(!row.isNull(at: 7))
            let leftovers = try await harness.sql(
                """
                SELECT (SELECT count(*) FROM member_identities WHERE tenant_id = \(t) AND member_id = \(id)),
                       (SELECT count(*) FROM member_consents WHERE tenant_id = \(t) AND member_id = \(id)),
                       (SELECT reason FROM member_erasures WHERE tenant_id = \(t) AND member_id = \(id))
                """)[0]
            #expect(try leftovers.decode(Int64.self, at: 0) == 0)
            #expect(try leftovers.decode(Int64.self, at: 1) == 0)
            #expect(try leftovers.decode(String.self, at: 2) == "PIPL request 2025-031")
            #expect(try await totals() == before)

            try await harness.withClient(role: .admin) { client in
                // The consent history ends with the refusal erasure recorded.
                var history = Hearth_Member_V1_ListConsentChangesRequest()
                history.memberID = member.memberID
                let last = try await client.listConsentChanges(history).changes.first
                #expect(last?.granted == false)
                #expect(last?.source == MemberErasure.consentSource)

                // Erasing again changes nothing; the erased member cannot change.
                #expect(try await client.eraseMember(erase).erasedAt == erased.erasedAt)
                var update = Hearth_Member_V1_UpdateMemberRequest()
                update.memberID = member.memberID
                update.profile.displayName = "Back"
                update.updateMask.paths = ["display_name"]
                let frozen = await #expect(throws: RPCError.self) { try await client.updateMember(update) }
                #expect(frozen?.code == .failedPrecondition)
                let noConsent = await #expect(throws: RPCError.self) {
                    try await client.setConsent(Self.consent(member.memberID, .im, granted: true, hoursAgo: 0))
                }
                #expect(noConsent?.code == .failedPrecondition)
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = member.memberID
                add.identity = handle(.qq, "10001")
                let noHandle = await #expect(throws: RPCError.self) { try await client.addIdentity(add) }
                #expect(noHandle?.code == .failedPrecondition)

                // Its phone and WeChat id are free for someone new, and lookups no longer find it.
                var lookup = Hearth_Member_V1_LookupMemberRequest()
                lookup.identity = handle(.wechat, "lilei")
                let gone = await #expect(throws: RPCError.self) { try await client.lookupMember(lookup) }
                #expect(gone?.code == .notFound)
                let newcomer = try await client.createMember(createRequest(name: "New", phone: "13800138000")).member
                lookup.identity = handle(.phone, "13800138000")
                #expect(try await client.lookupMember(lookup).member.memberID == newcomer.memberID)

                var get = Hearth_Member_V1_BatchGetMembersRequest()
                get.memberIds = [member.memberID]
                let shown = try await client.batchGetMembers(get).members.first
                #expect(shown?.hasErasedAt == true)
                #expect(shown?.profile.phone == "")
            }
        }
    }

    @Test func erasureEndsTheMembersPlacesInGroups() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .admin) { client in
                let member = try await CommunityCalls.member(client, "韩梅梅")
                let open = try await CommunityCalls.community(client, name: "Open group")
                let approval = try await CommunityCalls.community(client, name: "Approval group", policy: .approval)
                _ = try await CommunityCalls.join(client, open.communityID, member)
                #expect(try await CommunityCalls.join(client, approval.communityID, member).status == .pending)

                var erase = Hearth_Member_V1_EraseMemberRequest()
                erase.memberID = member
                erase.reason = "PIPL request 2025-044"
                _ = try await client.eraseMember(erase)

                // The seat is free and the request gone; the group saw the member leave.
                var get = Hearth_Member_V1_GetCommunityRequest()
                get.communityID = open.communityID
                #expect(try await client.getCommunity(get).community.memberCount == 0)
                get.communityID = approval.communityID
                #expect(try await client.getCommunity(get).community.pendingCount == 0)
                let t = harness.tenant.rawValue
                let rows = try await harness.sql(
                    """
                    SELECT status, status_reason, left_at IS NOT NULL FROM memberships
                    WHERE tenant_id = \(t) AND member_id = \(UUID(uuidString: member)!) ORDER BY status
                    """)
                #expect(try rows.map { try $0.decode(String.self, at: 0) } == ["left", "removed"])
                #expect(try rows.allSatisfy { try $0.decode(String.self, at: 1) == "member erased" })
                #expect(try rows.allSatisfy { try $0.decode(Bool.self, at: 2) })
                let leaves = try await harness.sql(
                    """
                    SELECT community_id, properties ->> 'via' FROM events
                    WHERE tenant_id = \(t) AND member_id = \(UUID(uuidString: member)!) AND kind = 'leave'
                    """)
                #expect(leaves.count == 1)
                #expect(try leaves.first?.decode(UUID.self, at: 0) == UUID(uuidString: open.communityID))
                #expect(try leaves.first?.decode(String.self, at: 1) == "erasure")
            }
        }
    }
}
