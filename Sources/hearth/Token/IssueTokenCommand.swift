import ArgumentParser
import Foundation
import HearthWire

/// `hearth token issue`: signs a token with `HEARTH_AUTH_SECRET`, for an operator's CLI or a script.
struct IssueTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Sign an access token (needs HEARTH_AUTH_SECRET).")

    enum Role: String, ExpressibleByArgument, CaseIterable {
        case viewer, agent, `operator`, admin
    }

    @Option(help: "Tenant id the token acts for.")
    var tenant: String

    @Option(name: .customLong("operator"), help: "Operator id recorded on every change made with the token.")
    var operatorID: String

    @Option(help: "viewer, agent, operator or admin.")
    var role: Role

    @Option(help: "Lifetime, e.g. 30m, 12h, 7d.")
    var ttl: String = "12h"

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard Self.seconds(in: ttl) != nil else {
            throw ValidationError("--ttl \(ttl) is not a lifetime like 30m, 12h or 7d (at most 366d)")
        }
        guard !tenant.isEmpty, !operatorID.isEmpty else {
            throw ValidationError("--tenant and --operator must not be empty")
        }
        guard UUID(uuidString: tenant) != nil else {
            throw ValidationError("--tenant \(tenant) is not a tenant id (a UUID); `hearth tenants list` shows them")
        }
    }

    func run() async throws {
        guard let secretText = ProcessInfo.processInfo.environment["HEARTH_AUTH_SECRET"], !secretText.isEmpty else {
            printError("hearth: HEARTH_AUTH_SECRET is not set; it must be the secret the services verify tokens with")
            throw ExitCode(1)
        }
        let secret: AccessTokenSecret
        do {
            secret = try AccessTokenSecret(secretText)
        } catch {
            printError("hearth: \(error)")
            throw ExitCode(1)
        }
        let expiresAt = Int64(Date().timeIntervalSince1970) + Self.seconds(in: ttl)!
        let token = AccessToken(tenant: tenant, operatorID: operatorID, role: role.rawValue, expiresAt: expiresAt)
        let text = token.signed(with: secret)
        if output.output == .table {
            print(text)
        } else {
            try output.print(facts: [
                "token": text, "tenant": tenant, "operator": operatorID, "role": role.rawValue,
                "expires_at": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(expiresAt))),
            ])
        }
    }

    /// `30m`, `12h`, `7d` → seconds; `nil` for anything else or more than a year.
    static func seconds(in lifetime: String) -> Int64? {
        guard let unit = lifetime.last, let value = Int64(lifetime.dropLast()), value > 0 else { return nil }
        let factor: Int64
        switch unit {
        case "m": factor = 60
        case "h": factor = 3600
        case "d": factor = 86_400
        default: return nil
        }
        let seconds = value * factor
        return seconds <= 366 * 86_400 ? seconds : nil
    }
}
