import Foundation
public import GRPCCore
import HearthDomain
public import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// The tenant's jobs: their schedules, their runs, and runs on demand.
extension AnalyticsAPI {
    public func listJobs(
        request: Hearth_Analytics_V1_ListJobsRequest, context: ServerContext
    ) async throws -> Hearth_Analytics_V1_ListJobsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            try await jobs.ensureJobs(Array(knownJobs.values), tenant: caller.tenant)
            var response = Hearth_Analytics_V1_ListJobsResponse()
            for job in try await jobs.jobs(tenant: caller.tenant) {
                let last = try await jobs.runs(
                    tenant: caller.tenant, jobName: job.name, statuses: [], before: nil, limit: 1
                ).first
                response.jobs.append(JobMessages.job(job, lastRun: last))
            }
            return response
        }
    }

    public func updateJob(
        request: Hearth_Analytics_V1_UpdateJobRequest, context: ServerContext
    ) async throws -> Hearth_Analytics_V1_UpdateJobResponse {
        try await handle {
            let caller = try RPCCaller.current()
            let paths = request.updateMask.paths
            guard !paths.isEmpty, paths.allSatisfy({ $0 == "cron" || $0 == "enabled" }) else {
                throw RPCError(
                    code: .invalidArgument, message: "update_mask names cron and/or enabled, the writable fields",
                    reason: "update_mask_invalid", fields: ["update_mask": paths.joined(separator: ",")])
            }
            var cron: CronExpression??
            if paths.contains("cron") {
                let text = request.job.cron.trimmingCharacters(in: .whitespaces)
                if text.isEmpty {
                    cron = .some(nil)
                } else {
                    do throws(CronExpressionError) {
                        cron = .some(try CronExpression(text))
                    } catch {
                        throw RPCError(
                            code: .invalidArgument, message: "job.cron: \(error.message)", reason: "cron_invalid",
                            fields: ["job.cron": error.message], position: (line: 1, column: error.column))
                    }
                }
            }
            try await jobs.ensureJobs(Array(knownJobs.values), tenant: caller.tenant)
            guard
                let job = try await jobs.update(
                    request.jobName, cron: cron, enabled: paths.contains("enabled") ? request.job.enabled : nil,
                    tenant: caller.tenant)
            else {
                throw RPCError(code: .notFound, message: "no job \(request.jobName) in this tenant")
            }
            var response = Hearth_Analytics_V1_UpdateJobResponse()
            response.job = JobMessages.job(job, lastRun: nil)
            return response
        }
    }

    public func listJobRuns(
        request: Hearth_Analytics_V1_ListJobRunsRequest, context: ServerContext
    ) async throws -> Hearth_Analytics_V1_ListJobRunsResponse {
        try await handle {
            let caller = try RPCCaller.current()
            if !request.jobName.isEmpty, knownJobs[request.jobName] == nil {
                throw RPCError(code: .notFound, message: "no job \(request.jobName) in this tenant")
            }
            var statuses: [JobRunRecord.Status] = []
            for (index, status) in request.statuses.enumerated() {
                statuses.append(try JobMessages.status(status, field: "statuses[\(index)]"))
            }
            let before = try PageCursor.decode(request.page.cursor, idCount: 1, method: "ListJobRuns").map {
                ($0.0, $0.1[0])
            }
            let pageSize = request.page.pageSize <= 0 ? 50 : Int(min(request.page.pageSize, 500))
            let runs = try await jobs.runs(
                tenant: caller.tenant, jobName: request.jobName.isEmpty ? nil : request.jobName, statuses: statuses,
                before: before, limit: pageSize + 1)
            var response = Hearth_Analytics_V1_ListJobRunsResponse()
            response.runs = runs.prefix(pageSize).map(JobMessages.run)
            if runs.count > pageSize, let last = runs.prefix(pageSize).last {
                response.page.nextCursor = PageCursor.encode(last.queuedAt, last.id.uuidString.lowercased())
            }
            return response
        }
    }

    public func getJobRun(
        request: Hearth_Analytics_V1_GetJobRunRequest, context: ServerContext
    ) async throws -> Hearth_Analytics_V1_GetJobRunResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard let id = UUID(uuidString: request.runID) else {
                throw RPCError(
                    code: .invalidArgument, message: "run_id \"\(request.runID)\" is not a run id (a UUID)",
                    reason: "invalid_id", fields: ["run_id": "not a UUID"])
            }
            guard let run = try await jobs.run(id, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no job run \(id) in this tenant")
            }
            var response = Hearth_Analytics_V1_GetJobRunResponse()
            response.run = JobMessages.run(run)
            return response
        }
    }

    /// Queues a run; a run of the job already waiting is returned instead of a second one.
    public func runJob(
        request: Hearth_Analytics_V1_RunJobRequest, context: ServerContext
    ) async throws -> Hearth_Analytics_V1_RunJobResponse {
        try await handle {
            let caller = try RPCCaller.current()
            guard knownJobs[request.jobName] != nil else {
                throw RPCError(
                    code: .notFound,
                    message: "no job \(request.jobName); the jobs are "
                        + knownJobs.keys.sorted().joined(separator: ", "))
            }
            let params = try JobMessages.params(request.params)
            try await jobs.ensureJobs(Array(knownJobs.values), tenant: caller.tenant)
            guard let run = try await jobs.queue(request.jobName, params: params, tenant: caller.tenant) else {
                throw RPCError(code: .notFound, message: "no job \(request.jobName) in this tenant")
            }
            var response = Hearth_Analytics_V1_RunJobResponse()
            response.run = JobMessages.run(run)
            return response
        }
    }
}
