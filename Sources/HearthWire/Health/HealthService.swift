public import GRPCCore
public import HearthProtos

/// The Health service every Hearth process serves. Readiness is asked of the process at each call
/// (database reachable, migrations current), so the answer is always fresh.
public struct HealthService: Hearth_Health_V1_Health.SimpleServiceProtocol {
    /// What the process knows about its dependencies right now.
    public struct Readiness: Sendable {
        public var databaseReachable: Bool
        public var migrationsCurrent: Bool
        public var problems: [String]

        public init(databaseReachable: Bool, migrationsCurrent: Bool, problems: [String] = []) {
            self.databaseReachable = databaseReachable
            self.migrationsCurrent = migrationsCurrent
            self.problems = problems
        }
    }

    let process: String
    let version: String
    let readiness: @Sendable () async -> Readiness

    public init(process: String, version: String, readiness: @escaping @Sendable () async -> Readiness) {
        self.process = process
        self.version = version
        self.readiness = readiness
    }

    public func check(
        request: Hearth_Health_V1_CheckRequest, context: ServerContext
    ) async throws -> Hearth_Health_V1_CheckResponse {
        let ready = await readiness()
        var response = Hearth_Health_V1_CheckResponse()
        response.process = process
        response.version = version
        response.databaseReachable = ready.databaseReachable
        response.migrationsCurrent = ready.migrationsCurrent
        response.problems = ready.problems
        let serving = ready.databaseReachable && ready.migrationsCurrent && ready.problems.isEmpty
        response.status = serving ? .serving : .notServing
        return response
    }
}
