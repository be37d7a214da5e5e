import Foundation
import HearthRuntime
import Logging
import MemberService

/// `member-service`: members, identities, events, communities and segments over the wire.
/// Configured by environment (see README): `HEARTH_MEMBER_LISTEN` (default 127.0.0.1:7101),
/// `HEARTH_DATABASE_URL`, `HEARTH_AUTH_SECRET`, `HEARTH_MIGRATE_ON_START`.
@main
enum MemberServiceMain {
    static func main() async {
        // Logging and metrics first: every logger made after this writes JSON lines.
        do {
            _ = try HearthObservability.bootstrap(process: "member-service")
        } catch {
            FileHandle.standardError.write(Data("member-service: \(error.message)\n".utf8))
            exit(2)
        }
        let logger = Logger(label: "hearth.member-service")
        do {
            let configuration = try ServiceConfiguration(
                environment: ProcessInfo.processInfo.environment, listenVariable: "HEARTH_MEMBER_LISTEN",
                defaultListen: "127.0.0.1:7101")
            try await HearthServiceProcess.run(
                name: "member-service", version: HearthVersion.current, configuration: configuration, logger: logger
            ) { pool in
                [MemberAPI(pool: pool, logger: logger)]
            }
        } catch let error as ServiceConfigurationError {
            FileHandle.standardError.write(Data("member-service: \(error.message)\n".utf8))
            exit(2)
        } catch {
            FileHandle.standardError.write(Data("member-service: \(error)\n".utf8))
            exit(1)
        }
    }
}
