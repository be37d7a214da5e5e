import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth communities …`: member groups on IM platforms, who is in them, moderation, join links
/// and replicas, through member-service.
struct CommunitiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "communities",
        abstract: "Run member groups: settings, members, moderation, join links and replicas.",
        discussion: """
            A full group is replicated into group N+1 of its family, seeded with core members; a join link \
            routes each newcomer to the first group of the family with room, replicating when all are full.
            """,
        subcommands: [
            CreateCommunityCommand.self, GetCommunityCommand.self, UpdateCommunityCommand.self,
            ArchiveCommunityCommand.self, ListCommunitiesCommand.self, JoinCommunityCommand.self,
            LeaveCommunityCommand.self, ApproveJoinCommand.self, RejectJoinCommand.self, InviteToCommunityCommand.self,
            AssignCommunityRoleCommand.self, ListMembershipsCommand.self, ModerateMemberCommand.self,
            ListModerationActionsCommand.self, JoinLinkCommand.self, ReplicateCommunityCommand.self,
        ])
}

/// A command-line value naming a case of a protobuf enumeration in the schema's words
/// (`invite_only`, `qr_poster`); UNSPECIFIED is not offered.
struct EnumArgument<Value: CaseIterable & Sendable>: ExpressibleByArgument, Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }

    init?(argument: String) {
        let wanted = argument.lowercased().replacingOccurrences(of: "-", with: "_")
        guard wanted != "unspecified", let value = Value.allCases.first(where: { Self.name(of: $0) == wanted }) else {
            return nil
        }
        self.value = value
    }

    static var allValueStrings: [String] {
        Value.allCases.map(name(of:)).filter { $0 != "unspecified" }
    }

    var defaultValueDescription: String { Self.text(value) }

    /// The case's name in snake case (`inviteOnly` → `invite_only`); "" for UNSPECIFIED.
    static func text(_ value: Value) -> String {
        let name = name(of: value)
        return name == "unspecified" ? "" : name
    }

    static func name(of value: Value) -> String {
        var name = ""
        for character in String(describing: value) {
            if character.isUppercase {
                name += "_" + character.lowercased()
            } else {
                name.append(character)
            }
        }
        return name
    }
}

/// How communities print: one row each, the same columns in every command.
enum CommunityRows {
    static let columns = [
        "id", "name", "platform", "members", "capacity", "pending", "policy", "pass_phrase", "structure",
        "visibility", "family", "seq", "archived", "created",
    ]

    static func row(_ community: Hearth_Member_V1_Community) -> [String] {
        let settings = community.settings
        return [
            community.communityID, settings.name, EnumArgument.text(settings.platform), "\(community.memberCount)",
            "\(settings.capacity)", "\(community.pendingCount)", EnumArgument.text(settings.joinPolicy),
            community.passPhraseRequired ? "yes" : "no", EnumArgument.text(settings.structure),
            EnumArgument.text(settings.visibility), community.familyID,
            community.familySeq == 0 ? "" : "\(community.familySeq)",
            community.hasArchivedAt ? MemberRows.timestamp(community.archivedAt.date) : "",
            community.hasCreatedAt ? MemberRows.timestamp(community.createdAt.date) : "",
        ]
    }
}

/// How memberships print.
enum MembershipRows {
    static let columns = [
        "community", "member", "role", "status", "social_role", "invited_by", "joined", "left", "muted_until",
    ]

    static func row(_ membership: Hearth_Member_V1_Membership) -> [String] {
        [
            membership.communityID, membership.memberID, EnumArgument.text(membership.role),
            EnumArgument.text(membership.status), EnumArgument.text(membership.socialRole),
            membership.invitedByMemberID,
            membership.hasJoinedAt ? MemberRows.timestamp(membership.joinedAt.date) : "",
            membership.hasLeftAt ? MemberRows.timestamp(membership.leftAt.date) : "",
            membership.hasMutedUntil ? MemberRows.timestamp(membership.mutedUntil.date) : "",
        ]
    }
}

/// How moderation steps print.
enum ModerationRows {
    static let columns = ["id", "community", "member", "kind", "reason", "muted_until", "operator", "created"]

    static func row(_ action: Hearth_Member_V1_ModerationAction) -> [String] {
        [
            action.actionID, action.communityID, action.memberID, EnumArgument.text(action.kind), action.reason,
            action.hasMutedUntil ? MemberRows.timestamp(action.mutedUntil.date) : "", action.operatorID,
            action.hasCreatedAt ? MemberRows.timestamp(action.createdAt.date) : "",
        ]
    }
}

/// A moment typed on the command line: ISO 8601 (`2026-05-01T20:00:00+08:00`), or a span from now
/// (`90m`, `2h`, `7d`).
struct MomentArgument: ExpressibleByArgument, Sendable {
    let date: Date

    init?(argument: String) {
        if let span = Self.seconds(argument) {
            date = Date().addingTimeInterval(span)
        } else if let parsed = ISO8601DateFormatter().date(from: argument) {
            date = parsed
        } else {
            return nil
        }
    }

    static func seconds(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Double(text.dropLast()), count > 0 else { return nil }
        switch unit {
        case "m": return count * 60
        case "h": return count * 3_600
        case "d": return count * 86_400
        default: return nil
        }
    }

    var timestamp: Google_Protobuf_Timestamp { Google_Protobuf_Timestamp(date: date) }
}

/// Reads a text option's value from a file when it is `@PATH`, so long rules and announcements
/// need not be quoted on the command line.
func textArgument(_ value: String) throws -> String {
    guard value.hasPrefix("@") else { return value }
    let path = String(value.dropFirst())
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ValidationError("cannot read \(path)")
    }
    return String(decoding: data, as: UTF8.self)
}

/// Reads a secret option's value from a file when it is `@PATH`, or from the first line of standard
/// input when it is `-`, so the secret stays out of shell history and process listings; one
/// trailing line break is dropped.
func secretArgument(_ value: String) throws -> String {
    let text: String
    if value == "-" {
        guard let line = readLine(strippingNewline: true) else {
            throw ValidationError("expected the secret on standard input, found nothing")
        }
        text = line
    } else {
        text = try textArgument(value)
    }
    return text.hasSuffix("\r\n") ? String(text.dropLast(2)) : text.hasSuffix("\n") ? String(text.dropLast()) : text
}
