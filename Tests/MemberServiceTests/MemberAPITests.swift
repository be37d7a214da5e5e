import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import HearthWire
import SwiftProtobuf
import Testing

@Suite("member-service: members over the wire, against PostgreSQL")
struct MemberAPITests {
    @Test func createGetAndListMembersWithNormalisedPhones() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let wang = try await client.createMember(
                    createRequest(name: "王芳", phone: "+86 138-0013-8000", province: "Sichuan", tags: ["core"])
                ).member
                #expect(wang.profile.phone == "+8613800138000")
                #expect(wang.profile.lifecycleStage == .audience)
                #expect(wang.hasCreatedAt)
                let li = try await client.createMember(createRequest(name: "Li Wei", phone: "１３９００１３９０００"))
                    .member
                #expect(li.profile.phone == "+8613900139000")

                var get = Hearth_Member_V1_GetMemberRequest()
                get.memberID = wang.memberID
                let got = try await client.getMember(get).member
                #expect(got.memberID == wang.memberID)
                #expect(got.profile == wang.profile)
                #expect(got.hasUpdatedAt)

                let all = try await client.listMembers(Hearth_Member_V1_ListMembersRequest())
                #expect(all.members.map(\.memberID) == [li.memberID, wang.memberID])  // newest first
                var filtered = Hearth_Member_V1_ListMembersRequest()
                filtered.filter.provinces = ["Sichuan"]
                filtered.filter.tagsAll = ["core"]
                #expect(try await client.listMembers(filtered).members.map(\.memberID) == [wang.memberID])
                var byPhone = Hearth_Member_V1_ListMembersRequest()
                byPhone.filter.query = "+8613900139000"
                #expect(try await client.listMembers(byPhone).members.map(\.memberID) == [li.memberID])
                // A phone in any form an operator types it, and any handle's value, find the member.
                byPhone.filter.query = "139 0013 9000"
                #expect(try await client.listMembers(byPhone).members.map(\.memberID) == [li.memberID])
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = wang.memberID
                add.identity = handle(.wechat, "wangfang_88")
                _ = try await client.addIdentity(add)
                var byHandle = Hearth_Member_V1_ListMembersRequest()
                byHandle.filter.query = "wangfang_88"
                #expect(try await client.listMembers(byHandle).members.map(\.memberID) == [wang.memberID])
            }
        }
    }

    @Test func pagesCoverEveryMemberOnce() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                var created: Set<String> = []
                for index in 0..<23 {
                    created.insert(
                        try await client.createMember(createRequest(name: "member \(index)")).member.memberID)
                }
                var request = Hearth_Member_V1_ListMembersRequest()
                request.page.pageSize = 5
                var seen: [String] = []
                var pages = 0
                repeat {
                    let page = try await client.listMembers(request)
                    seen += page.members.map(\.memberID)
                    request.page.cursor = page.page.nextCursor
                    pages += 1
                } while !request.page.cursor.isEmpty
                #expect(pages == 5)
                #expect(seen.count == 23)
                #expect(Set(seen) == created)

                request.page.cursor = "not-a-cursor"
                let bad = await #expect(throws: RPCError.self) { try await client.listMembers(request) }
                #expect(bad?.code == .invalidArgument)

                var unsupported = Hearth_Member_V1_ListMembersRequest()
                unsupported.view = .full
                let refused = await #expect(throws: RPCError.self) { try await client.listMembers(unsupported) }
                #expect(refused?.code == .invalidArgument)
                #expect(refused?.message.contains("GetMember or StreamMembers") == true)
            }
        }
    }

    @Test func badPhonesAndTakenPhonesAreRefusedWithReasons() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                let invalid = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "Bad", phone: "138001380"))
                }
                #expect(invalid?.code == .invalidArgument)
                #expect(invalid?.message.contains("138001380") == true)
                #expect(invalid?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) != nil)

                _ = try await client.createMember(createRequest(name: "First", phone: "13800138000"))
                let taken = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "Second", phone: "0086 138 0013 8000"))
                }
                #expect(taken?.code == .alreadyExists)
                #expect(taken?.message.contains("+8613800138000") == true)

                let unnamed = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "   "))
                }
                #expect(unnamed?.code == .invalidArgument)
            }
        }
    }

    @Test func softDeleteHidesAndRestoreBringsBack() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient { client in
                let member = try await client.createMember(createRequest(name: "Zhao")).member
                var delete = Hearth_Member_V1_DeleteMemberRequest()
                delete.memberID = member.memberID
                #expect(try await client.deleteMember(delete).member.hasDeletedAt)
                #expect(try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members.isEmpty)
                var withDeleted = Hearth_Member_V1_ListMembersRequest()
                withDeleted.filter.includeDeleted = true
                #expect(try await client.listMembers(withDeleted).members.count == 1)
                var restore = Hearth_Member_V1_RestoreMemberRequest()
                restore.memberID = member.memberID
                #expect(try await !client.restoreMember(restore).member.hasDeletedAt)
                #expect(try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members.count == 1)
            }
        }
    }

    @Test func tenantsSeeOnlyTheirOwnMembers() async throws {
        try await MemberServiceHarness.with { harness in
            let member = try await harness.withClient { client in
                try await client.createMember(createRequest(name: "Mine", phone: "13700137000")).member
            }
            try await harness.withClient(tenant: harness.otherTenant) { client in
                var get = Hearth_Member_V1_GetMemberRequest()
                get.memberID = member.memberID
                let hidden = await #expect(throws: RPCError.self) { try await client.getMember(get) }
                #expect(hidden?.code == .notFound)
                #expect(try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members.isEmpty)
                // The same phone is free in another tenant.
                _ = try await client.createMember(createRequest(name: "Theirs", phone: "13700137000"))
            }
        }
    }

    @Test func rolesDecideWhoMayDoWhat() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .viewer) { client in
                let visible = try await client.listMembers(Hearth_Member_V1_ListMembersRequest()).members
                #expect(visible.isEmpty)
                let denied = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "Nope"))
                }
                #expect(denied?.code == .permissionDenied)
            }
            try await harness.withClient(role: .agent) { client in
                let denied = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "Nope"))
                }
                #expect(denied?.code == .permissionDenied)
            }
        }
    }
}

@Suite("member-service: bulk tagging")
struct TagAPITests {
    @Test func tagsAreAddedAndRemovedByIdsOrByFilter() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let a = try await client.createMember(createRequest(name: "A", province: "Sichuan", tags: ["vip"]))
                    .member
                let b = try await client.createMember(createRequest(name: "B", province: "Sichuan")).member
                _ = try await client.createMember(createRequest(name: "C", province: "Hubei"))

                var byFilter = Hearth_Member_V1_TagMembersRequest()
                byFilter.selection.filter.provinces = ["Sichuan"]
                byFilter.tags = ["sichuan-2026", "vip"]
                let tagged = try await client.tagMembers(byFilter)
                #expect((tagged.matchedCount, tagged.changedCount) == (2, 2))
                let again = try await client.tagMembers(byFilter)
                #expect((again.matchedCount, again.changedCount) == (2, 0))

                var byIDs = Hearth_Member_V1_UntagMembersRequest()
                byIDs.selection.memberIds.memberIds = [a.memberID]
                byIDs.tags = ["vip"]
                let untagged = try await client.untagMembers(byIDs)
                #expect((untagged.matchedCount, untagged.changedCount) == (1, 1))

                var get = Hearth_Member_V1_GetMemberRequest()
                get.memberID = a.memberID
                #expect(try await client.getMember(get).member.profile.tags == ["sichuan-2026"])
                get.memberID = b.memberID
                #expect(try await client.getMember(get).member.profile.tags == ["sichuan-2026", "vip"])

                var unsupported = Hearth_Member_V1_TagMembersRequest()
                unsupported.selection.filter.segmentID = UUID().uuidString.lowercased()
                unsupported.tags = ["x"]
                let refused = await #expect(throws: RPCError.self) { try await client.tagMembers(unsupported) }
                #expect(refused?.code == .notFound)
            }
        }
    }
}

@Suite("member-service: updates")
struct UpdateAPITests {
    @Test func onlyTheMaskedFieldsChangeAndPhonesStayUnique() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                let member = try await client.createMember(
                    createRequest(name: "Old", phone: "13800138000", province: "Sichuan", tags: ["a"])
                ).member
                _ = try await client.createMember(createRequest(name: "Other", phone: "13900139000"))
                var update = Hearth_Member_V1_UpdateMemberRequest()
                update.memberID = member.memberID
                update.profile.displayName = "New"
                update.profile.phone = "137 0013 7000"
                update.profile.region.province = "ignored"
                update.updateMask.paths = ["display_name", "phone"]
                let updated = try await client.updateMember(update).member
                #expect(updated.profile.displayName == "New")
                #expect(updated.profile.phone == "+8613700137000")
                #expect(updated.profile.region.province == "Sichuan")
                #expect(updated.profile.tags == ["a"])

                // The old phone is free again; the other member's phone is not.
                _ = try await client.createMember(createRequest(name: "Reuses", phone: "13800138000"))
                update.profile.phone = "13900139000"
                update.updateMask.paths = ["phone"]
                let taken = await #expect(throws: RPCError.self) { try await client.updateMember(update) }
                #expect(taken?.code == .alreadyExists)

                update.updateMask.paths = ["created_at"]
                let bad = await #expect(throws: RPCError.self) { try await client.updateMember(update) }
                #expect(bad?.code == .invalidArgument)
            }
        }
    }
}

@Suite("member-service: each tenant's phone region")
struct TenantRegionAPITests {
    @Test func nationalNumbersAreReadInTheTenantsRegion() async throws {
        try await MemberServiceHarness.with { harness in
            let hongKong = try await TenantStore(pool: harness.pool).create(
                slug: "hk\(UInt32.random(in: 0..<UInt32.max))", name: "Hong Kong shop", region: .hk)
            try await harness.withClient(tenant: hongKong, role: .operator) { client in
                let member = try await client.createMember(createRequest(name: "陳大文", phone: "9123 4567")).member
                #expect(member.profile.phone == "+85291234567")
                // A mainland number needs its country code there.
                let mainland = try await client.createMember(createRequest(name: "王芳", phone: "+86 138 0013 8000"))
                #expect(mainland.member.profile.phone == "+8613800138000")
            }
            try await harness.withClient(role: .operator) { client in
                let refused = await #expect(throws: RPCError.self) {
                    try await client.createMember(createRequest(name: "陳大文", phone: "9123 4567"))
                }
                #expect(refused?.code == .invalidArgument)
            }
        }
    }
}
