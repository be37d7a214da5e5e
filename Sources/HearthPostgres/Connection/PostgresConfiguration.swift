import Foundation

/// How to reach PostgreSQL and how every new session is set up.
///
/// The connection target comes from a `postgres://` URL or a `key=value` connection string; when
/// `url` is `nil`, libpq's own `PG*` environment variables (`PGHOST`, `PGPORT`, `PGUSER`, …) apply.
public struct PostgresConfiguration: Sendable, Hashable {
    /// A `postgres://` / `postgresql://` URL or a `key=value` connection string.
    public var url: String?
    /// Shown in `pg_stat_activity`, so an operator can tell Hearth's sessions apart.
    public var applicationName: String
    /// How long opening a connection may take.
    public var connectTimeout: Duration
    /// Server-side limit for any one statement; `nil` leaves the server's default.
    public var statementTimeout: Duration?
    /// Extra session settings sent at connect time (`-c name=value`).
    public var settings: [String: String]

    public init(
        url: String? = nil,
        applicationName: String = "hearth",
        connectTimeout: Duration = .seconds(5),
        statementTimeout: Duration? = .seconds(30),
        settings: [String: String] = ["client_connection_check_interval": "1000"]
    ) {
        self.url = url
        self.applicationName = applicationName
        self.connectTimeout = connectTimeout
        self.statementTimeout = statementTimeout
        self.settings = settings
    }

    /// Keyword/value pairs for `PQconnectdbParams`. Our defaults come first so that anything the
    /// URL names itself (it is expanded in place of `dbname`) overrides them.
    var connectionParameters: [(String, String)] {
        var parameters: [(String, String)] = [
            ("application_name", applicationName),
            ("connect_timeout", String(max(1, connectTimeout.components.seconds))),
            ("client_encoding", "UTF8"),
        ]
        var options = settings
        if let statementTimeout {
            options["statement_timeout"] = String(statementTimeout.milliseconds)
        }
        if !options.isEmpty {
            let flags = options.sorted { $0.key < $1.key }.map { "-c \($0.key)=\(escapeOption($0.value))" }
            parameters.append(("options", flags.joined(separator: " ")))
        }
        if let url, !url.isEmpty {
            parameters.append(("dbname", url))
        }
        return parameters
    }

    /// The URL with any password replaced, safe for logs and error messages.
    public var redactedURL: String {
        guard let url else { return "(PG* environment)" }
        guard let schemeEnd = url.range(of: "://"),
            let at = url.range(of: "@", range: schemeEnd.upperBound..<url.endIndex)
        else { return url.replacingPasswordKeyword() }
        let credentials = url[schemeEnd.upperBound..<at.lowerBound]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at.lowerBound...])
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

private func escapeOption(_ value: String) -> String {
    var escaped = ""
    for character in value {
        if character == " " || character == "\\" { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped
}

extension String {
    fileprivate func replacingPasswordKeyword() -> String {
        split(separator: " ").map { $0.hasPrefix("password=") ? "password=***" : String($0) }.joined(separator: " ")
    }
}
