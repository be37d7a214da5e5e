import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth members lookup`: finds the member holding a handle (a phone in any usual form, a WeChat
/// id, …).
struct LookupMemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup", abstract: "Find the member holding a phone, WeChat id, QQ, DingTalk id or email.")

    @OptionGroup var identity: IdentityOptions
    @Flag(help: "Also print the member's identities and consents.") var full = false
    @OptionGroup var service: MemberServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Member_V1_LookupMemberRequest()
        request.identity = identity.ref
        request.view = full ? .full : .basic
        let options = service.callOptions
        let member = try await service.withClient { client in
            try await client.lookupMember(request, options: options).member
        }
        guard full else {
            try output.print(columns: MemberRows.columns, rows: [MemberRows.row(member)])
            return
        }
        try output.print(
            columns: MemberRows.columns + ["identities", "consents"],
            rows: [
                MemberRows.row(member) + [
                    member.identities.map { IdentityRows.handle($0.kind, $0.value) }.joined(separator: ";"),
                    member.consents.map { "\(ConsentRows.channel($0.channel)):\($0.granted ? "granted" : "refused")" }
                        .joined(separator: ";"),
                ]
            ])
    }
}

/// The handle a command names: exactly one of --phone, --wechat, --qq, --dingtalk, --email.
struct IdentityOptions: ParsableArguments {
    @Option(help: "A phone, in any usual form (+86 138 0013 8000, 13800138000, 0086…).") var phone: String?
    @Option(help: "A WeChat id.") var wechat: String?
    @Option(help: "A QQ number.") var qq: String?
    @Option(help: "A DingTalk id.") var dingtalk: String?
    @Option(help: "An email address.") var email: String?

    private var given: [(Hearth_Member_V1_IdentityKind, String)] {
        let all: [(Hearth_Member_V1_IdentityKind, String?)] = [
            (.phone, phone), (.wechat, wechat), (.qq, qq), (.dingtalk, dingtalk), (.email, email),
        ]
        return all.compactMap { kind, value in value.map { (kind, $0) } }
    }

    func validate() throws {
        guard given.count == 1 else {
            throw ValidationError("name exactly one handle: --phone, --wechat, --qq, --dingtalk or --email")
        }
    }

    var ref: Hearth_Member_V1_IdentityRef {
        var ref = Hearth_Member_V1_IdentityRef()
        if let first = given.first {
            ref.kind = first.0
            ref.value = first.1
        }
        return ref
    }
}

/// How identities print.
enum IdentityRows {
    static let columns = ["member", "kind", "value", "verified", "created"]

    static func row(_ identity: Hearth_Member_V1_Identity) -> [String] {
        [
            identity.memberID, kind(identity.kind), identity.value, identity.verified ? "yes" : "no",
            identity.hasCreatedAt ? MemberRows.timestamp(identity.createdAt.date) : "",
        ]
    }

    static func kind(_ kind: Hearth_Member_V1_IdentityKind) -> String {
        switch kind {
        case .phone: "phone"
        case .wechat: "wechat"
        case .qq: "qq"
        case .dingtalk: "dingtalk"
        case .email: "email"
        case .unspecified, .UNRECOGNIZED: "?"
        }
    }

    /// `kind:value`, as lists of handles print.
    static func handle(_ kind: Hearth_Member_V1_IdentityKind, _ value: String) -> String {
        "\(self.kind(kind)):\(value)"
    }
}
