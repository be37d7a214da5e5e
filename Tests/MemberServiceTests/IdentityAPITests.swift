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

/// The ErrorDetail a failed call carried in its trailers, if any.
func errorDetail(_ error: RPCError?) -> Hearth_Common_V1_ErrorDetail? {
    guard let bytes = error?.metadata[binaryValues: RPCError.detailKey].first(where: { _ in true }) else {
        return nil
    }
    return try? Hearth_Common_V1_ErrorDetail(serializedBytes: bytes)
}

/// A handle as a request names it.
func handle(_ kind: Hearth_Member_V1_IdentityKind, _ value: String) -> Hearth_Member_V1_IdentityRef {
    var ref = Hearth_Member_V1_IdentityRef()
    ref.kind = kind
    ref.value = value
    return ref
}

extension MemberServiceHarness {
    /// Runs a statement as the services' role in a tenant (row-level security applies), for checks
    /// the API does not show.
    @discardableResult
    func sql(_ query: PostgresQuery, tenant: TenantID? = nil) async throws -> PostgresRows {
        try await pool.withTenant(tenant ?? self.tenant) { connection in try await connection.query(query) }
    }

    /// Creates a member with the given client role (operator by default).
    func createMember(_ request: Hearth_Member_V1_CreateMemberRequest, tenant: TenantID? = nil) async throws
        -> Hearth_Member_V1_Member
    {
        try await withClient(tenant: tenant, role: .operator) { client in
            try await client.createMember(request).member
        }
    }
}

@Suite("member-service: identities and lookups over the wire, against PostgreSQL")
struct IdentityAPITests {
    @Test func lookupFindsAMemberByAnyFormOfItsHandles() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.withClient(role: .operator) { client in
                var create = createRequest(name: "王芳", phone: "13800138000")
                create.profile.email = "Wang.Fang@Example.com"
                let wang = try await client.createMember(create).member
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = wang.memberID
                add.identity = handle(.wechat, "  wangfang_88 ")
                let added = try await client.addIdentity(add).identity
                #expect(added.value == "wangfang_88")
                #expect(added.kind == .wechat)
                #expect(added.memberID == wang.memberID)

                for ref in [
                    handle(.phone, "+86 138-0013-8000"), handle(.phone, "0086 13800138000"),
                    handle(.phone, "１３８００１３８０００"), handle(.wechat, "wangfang_88"),
                    handle(.email, " wang.fang@example.COM "),
                ] {
                    var lookup = Hearth_Member_V1_LookupMemberRequest()
                    lookup.identity = ref
                    #expect(try await client.lookupMember(lookup).member.memberID == wang.memberID)
                }

                var full = Hearth_Member_V1_LookupMemberRequest()
                full.identity = handle(.wechat, "wangfang_88")
                full.view = .full
                let shown = try await client.lookupMember(full).member
                #expect(Set(shown.identities.map(\.value)) == ["+8613800138000", "wangfang_88"])
                #expect(shown.hasUpdatedAt)

                var unknown = Hearth_Member_V1_LookupMemberRequest()
                unknown.identity = handle(.qq, "10001")
                let missing = await #expect(throws: RPCError.self) { try await client.lookupMember(unknown) }
                #expect(missing?.code == .notFound)

                unknown.identity = handle(.phone, "138001380")
                let badPhone = await #expect(throws: RPCError.self) { try await client.lookupMember(unknown) }
                #expect(badPhone?.code == .invalidArgument)
                #expect(errorDetail(badPhone)?.reason == "phone_invalid")

                unknown.identity = handle(.unspecified, "x")
                let noKind = await #expect(throws: RPCError.self) { try await client.lookupMember(unknown) }
                #expect(noKind?.code == .invalidArgument)
            }
        }
    }

    @Test func aHandleBelongsToOneMemberOfATenant() async throws {
        try await MemberServiceHarness.with { harness in
            let a = try await harness.createMember(createRequest(name: "A", phone: "13800138000"))
            let b = try await harness.createMember(createRequest(name: "B"))
            try await harness.withClient(role: .operator) { client in
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = a.memberID
                add.identity = handle(.wechat, "shared_id")
                _ = try await client.addIdentity(add)
                add.verified = true
                #expect(try await client.addIdentity(add).identity.verified)  // again: no change but verification

                add.memberID = b.memberID
                let taken = await #expect(throws: RPCError.self) { try await client.addIdentity(add) }
                #expect(taken?.code == .alreadyExists)
                #expect(errorDetail(taken)?.reason == "identity_taken")
                #expect(errorDetail(taken)?.metadata["member_id"] == a.memberID)

                // A's primary phone is A's, in whatever form it is typed.
                var phone = Hearth_Member_V1_AddIdentityRequest()
                phone.memberID = b.memberID
                phone.identity = handle(.phone, "138 0013 8000")
                let phoneTaken = await #expect(throws: RPCError.self) { try await client.addIdentity(phone) }
                #expect(phoneTaken?.code == .alreadyExists)
                #expect(errorDetail(phoneTaken)?.metadata["member_id"] == a.memberID)

                var remove = Hearth_Member_V1_RemoveIdentityRequest()
                remove.memberID = a.memberID
                remove.identity = handle(.phone, "+8613800138000")
                let primary = await #expect(throws: RPCError.self) { try await client.removeIdentity(remove) }
                #expect(primary?.code == .failedPrecondition)

                remove.identity = handle(.wechat, "shared_id")
                _ = try await client.removeIdentity(remove)
                let gone = await #expect(throws: RPCError.self) { try await client.removeIdentity(remove) }
                #expect(gone?.code == .notFound)

                // Freed, the handle can go to B.
                #expect(try await client.addIdentity(add).identity.memberID == b.memberID)
            }
            try await harness.withClient(tenant: harness.otherTenant, role: .operator) { client in
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = a.memberID
                add.identity = handle(.wechat, "shared_id")
                let hidden = await #expect(throws: RPCError.self) { try await client.addIdentity(add) }
                #expect(hidden?.code == .notFound)

                // Handles are unique per tenant only.
                add.memberID = try await client.createMember(createRequest(name: "Theirs")).member.memberID
                _ = try await client.addIdentity(add)

                var lookup = Hearth_Member_V1_LookupMemberRequest()
                lookup.identity = handle(.phone, "13800138000")
                let notHere = await #expect(throws: RPCError.self) { try await client.lookupMember(lookup) }
                #expect(notHere?.code == .notFound)
            }
            try await harness.withClient(role: .viewer) { client in
                var add = Hearth_Member_V1_AddIdentityRequest()
                add.memberID = a.memberID
                add.identity = handle(.qq, "10001")
                let denied = await #expect(throws: RPCError.self) { try await client.addIdentity(add) }
                #expect(denied?.code == .permissionDenied)
                var remove = Hearth_Member_V1_RemoveIdentityRequest()
                remove.memberID = b.memberID
                remove.identity = handle(.wechat, "shared_id")
                let refused = await #expect(throws: RPCError.self) { try await client.removeIdentity(remove) }
                #expect(refused?.code == .permissionDenied)

                var lookup = Hearth_Member_V1_LookupMemberRequest()
                lookup.identity = handle(.wechat, "shared_id")
                let found = try await client.lookupMember(lookup).member.memberID
                #expect(found == b.memberID)
            }
        }
    }

    @Test func batchGetKeepsTheOrderAskedAndListsTheMissing() async throws {
        try await MemberServiceHarness.with { harness in
            let a = try await harness.createMember(createRequest(name: "A"))
            let b = try await harness.createMember(createRequest(name: "B"))
            let missing = UUID().uuidString.lowercased()
            try await harness.withClient(role: .viewer) { client in
                var batch = Hearth_Member_V1_BatchGetMembersRequest()
                batch.memberIds = [b.memberID, missing, a.memberID, b.memberID.uppercased()]
                let got = try await client.batchGetMembers(batch)
                #expect(got.members.map(\.memberID) == [b.memberID, a.memberID])
                #expect(got.missingMemberIds == [missing])

                batch.memberIds = ["nope"]
                let malformed = await #expect(throws: RPCError.self) { try await client.batchGetMembers(batch) }
                #expect(malformed?.code == .invalidArgument)
                batch.memberIds = (0...1_000).map { _ in UUID().uuidString }
                let tooMany = await #expect(throws: RPCError.self) { try await client.batchGetMembers(batch) }
                #expect(tooMany?.code == .invalidArgument)
            }
            try await harness.withClient(tenant: harness.otherTenant, role: .viewer) { client in
                var batch = Hearth_Member_V1_BatchGetMembersRequest()
                batch.memberIds = [a.memberID]
                let got = try await client.batchGetMembers(batch)
                #expect(got.members.isEmpty)
                #expect(got.missingMemberIds == [a.memberID])
            }
        }
    }

    @Test func streamSendsEveryMatchInBatchesInIDOrder() async throws {
        try await MemberServiceHarness.with { harness in
            try await harness.sql(
                """
                INSERT INTO members (tenant_id, display_name, province)
                SELECT \(harness.tenant.rawValue), 'bulk ' || n, CASE WHEN n % 3 = 0 THEN 'Sichuan' END
                FROM generate_series(1, 1500) AS n
                """)
            func stream(_ request: Hearth_Member_V1_StreamMembersRequest, tenant: TenantID? = nil) async throws
                -> [[String]]
            {
                try await harness.withClient(tenant: tenant, role: .viewer) { client in
                    try await client.streamMembers(request) { response in
                        var batches: [[String]] = []
                        for try await message in response.messages { batches.append(message.members.map(\.memberID)) }
                        return batches
                    }
                }
            }
            let batches = try await stream(Hearth_Member_V1_StreamMembersRequest())
            #expect(batches.map(\.count) == [1_000, 500])
            let ids = batches.flatMap { $0 }
            #expect(ids == ids.sorted())
            #expect(Set(ids).count == 1_500)

            var sichuan = Hearth_Member_V1_StreamMembersRequest()
            sichuan.filter.provinces = ["Sichuan"]
            sichuan.view = .full
            #expect(try await stream(sichuan).flatMap { $0 }.count == 500)
            #expect(try await stream(Hearth_Member_V1_StreamMembersRequest(), tenant: harness.otherTenant).isEmpty)

            var unsupported = Hearth_Member_V1_StreamMembersRequest()
            unsupported.filter.segmentID = UUID().uuidString.lowercased()
            unsupported.filter.cities = ["Chengdu"]
            let refused = await #expect(throws: RPCError.self) { try await stream(unsupported) }
            #expect(refused?.code == .notFound)
        }
    }
}
