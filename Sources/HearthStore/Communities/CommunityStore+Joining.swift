import Foundation
public import HearthDomain
import HearthPostgres

/// How a member is brought into a community; ``MembershipAdmission`` holds the rules of each.
enum Admission: Sendable {
    /// The member asks (JoinCommunity).
    case request(passPhrase: String?, paymentOrderID: String?)
    /// An operator or a member invites them.
    case invitation(invitedBy: MemberID?, role: CommunityRole)
    /// An operator grants their pending request.
    case approval
    /// They came through a join link, whose attribution their join event carries.
    case joinLink(JoinLink)
}

extension CommunityStore {
    /// Joins a member under the community's join policy: active at once, or pending under the
    /// approval policy. Refusals (``CommunityRefusal``) say why: full, banned, invite-only, wrong
    /// pass phrase, unpaid, archived, deleted member, or already in.
    public func join(
        _ member: MemberID, to community: CommunityID, passPhrase: String?, paymentOrderID: String?,
        tenant: TenantID
    ) async throws -> Membership {
        let phrase: String?
        if let passPhrase { phrase = try PassPhrase.normalized(passPhrase) } else { phrase = nil }
        return try await pool.withTenant(tenant) { connection in
            try await Self.admit(
                member, into: community, by: .request(passPhrase: phrase, paymentOrderID: paymentOrderID),
                tenant: tenant, on: connection)
        }
    }

    /// Adds a member as invited, under any join policy and without a pass phrase, recording who
    /// invited them (`nil`: an operator). A pending request of theirs is thereby granted. Making
    /// someone owner demotes the current owner to admin.
    public func invite(
        _ member: MemberID, to community: CommunityID, invitedBy inviter: MemberID?, role: CommunityRole,
        tenant: TenantID
    ) async throws -> Membership {
        if inviter == member {
            throw DomainError(code: .invalidArgument, message: "a member cannot invite themselves")
        }
        return try await pool.withTenant(tenant) { connection in
            if let inviter {
                _ = try await Self.memberIsGone(inviter, tenant: tenant, field: "inviting member", on: connection)
            }
            return try await Self.admit(
                member, into: community, by: .invitation(invitedBy: inviter, role: role), tenant: tenant,
                on: connection)
        }
    }

    /// Grants a pending join request, if a seat is free.
    public func approve(_ member: MemberID, in community: CommunityID, tenant: TenantID) async throws -> Membership {
        try await pool.withTenant(tenant) { connection in
            try await Self.admit(member, into: community, by: .approval, tenant: tenant, on: connection)
        }
    }

    /// Brings `member` into `community` by `admission`, in the caller's transaction: locks the
    /// community, gathers the facts, lets ``MembershipAdmission`` decide, writes the membership and,
    /// when it became active, a join event.
    static func admit(
        _ member: MemberID, into community: CommunityID, by admission: Admission, tenant: TenantID,
        on connection: PostgresConnection
    ) async throws -> Membership {
        let phrase: String?
        switch admission {
        case .request(let passPhrase, _): phrase = passPhrase
        default: phrase = nil
        }
        let lock = try await Self.lock(community, tenant: tenant, passPhrase: phrase, on: connection)
        let gone = try await memberIsGone(member, tenant: tenant, on: connection)
        let current = try await membershipState(of: member, in: community, tenant: tenant, on: connection)

        let route: MembershipAdmission.Route
        let via: String
        var role = CommunityRole.regular
        var inviter: MemberID?
        var campaign: UUID?
        var details: [String: String] = [:]
        switch admission {
        case .request(_, let order):
            route = .request(passPhraseMatches: lock.passPhraseMatches, paymentOrderGiven: order != nil)
            via = "request"
            if let order { details["payment_order_id"] = order }
        case .invitation(let invitedBy, let invitedRole):
            route = .invitation
            via = "invitation"
            role = invitedRole
            inviter = invitedBy
            if let invitedBy { details["invited_by_member_id"] = invitedBy.description }
        case .approval:
            route = .approval
            via = "approval"
            role = current?.role ?? .regular
        case .joinLink(let link):
            route = .joinLink
            via = "join_link"
            campaign = link.campaignID
            details["join_link_id"] = link.id.description
            if let channel = link.sourceChannel { details["source_channel"] = channel.rawValue }
        }
        let status = try MembershipAdmission.decide(
            route,
            facts: MembershipAdmission.Facts(
                policy: lock.policy, archived: lock.archived, capacity: lock.capacity, activeCount: lock.activeCount,
                passPhraseRequired: lock.passPhraseRequired, current: current?.status, memberGone: gone))

        let active = status == .active
        if active, lock.policy == .paid, case .request(_, let order?) = admission {
            try await usePaymentOrder(order, member: member, community: community, tenant: tenant, on: connection)
        }
        if active && role == .owner {
            try await demoteOwner(of: community, except: member, tenant: tenant, on: connection)
        }
        let rows = try await connection.query(
            """
            INSERT INTO memberships (tenant_id, community_id, member_id, role, status, invited_by_member_id, joined_at)
            VALUES (\(tenant.rawValue), \(community.rawValue), \(member.rawValue), \(role.rawValue), \(status.rawValue),
                    \(inviter?.rawValue), CASE WHEN \(active) THEN now() END)
            ON CONFLICT (tenant_id, community_id, member_id) DO UPDATE SET
                role = EXCLUDED.role, status = EXCLUDED.status,
                invited_by_member_id = coalesce(EXCLUDED.invited_by_member_id, memberships.invited_by_member_id),
                joined_at = EXCLUDED.joined_at, left_at = NULL, muted_until = NULL, status_reason = NULL
            RETURNING \(unescaped: membershipColumns)
            """)
        if active {
            try await recordMembershipEvents(
                .join, members: [member], community: community, via: via, campaign: campaign, details: details,
                tenant: tenant, on: connection)
        }
        return try Membership(row: rows[0])
    }

    /// Records that `order` paid for `member`'s seat in `community`. An order pays for one seat
    /// once: `payment_order_used` when it already seated someone else, or seated this member in
    /// another group; the same member rejoining the same group with it is let in.
    static func usePaymentOrder(
        _ order: String, member: MemberID, community: CommunityID, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        let recorded = try await connection.query(
            """
            INSERT INTO community_payment_orders (tenant_id, payment_order_id, community_id, member_id)
            VALUES (\(tenant.rawValue), \(order), \(community.rawValue), \(member.rawValue))
            ON CONFLICT (tenant_id, payment_order_id) DO NOTHING
            RETURNING 1
            """)
        guard recorded.isEmpty else { return }
        let holder = try await connection.query(
            """
            SELECT community_id, member_id FROM community_payment_orders
            WHERE tenant_id = \(tenant.rawValue) AND payment_order_id = \(order)
            """)
        guard let row = holder.first else { return }
        let (paidCommunity, paidMember) = (try row.decode(UUID.self, at: 0), try row.decode(UUID.self, at: 1))
        guard paidCommunity != community.rawValue || paidMember != member.rawValue else { return }
        throw CommunityRefusal(
            .paymentOrderUsed,
            "payment order \(order) already paid for the seat of member \(MemberID(paidMember)) in community "
                + "\(CommunityID(paidCommunity)); each order pays for one seat")
    }

    /// Makes the community's active owner, other than `member`, an admin: a group has one owner.
    static func demoteOwner(
        of community: CommunityID, except member: MemberID, tenant: TenantID, on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE memberships SET role = 'admin'
            WHERE tenant_id = \(tenant.rawValue) AND community_id = \(community.rawValue)
              AND role = 'owner' AND status = 'active' AND member_id <> \(member.rawValue)
            """)
    }
}
