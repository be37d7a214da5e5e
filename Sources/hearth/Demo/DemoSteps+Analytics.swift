import Foundation
import GRPCCore
import HearthProtos
import SwiftProtobuf

extension DemoSteps {
    /// Runs every analytics job in full, one after the other (each needs the figures of those
    /// before it), waiting for each run to succeed; a failed run stops the demo with its error.
    func runJobs() async throws {
        for job in DemoCatalog.jobs {
            var request = Hearth_Analytics_V1_RunJobRequest()
            request.jobName = job
            request.params.fields["full"] = Google_Protobuf_Value(boolValue: true)
            request.idempotencyKey = UUID().uuidString.lowercased()
            var run = try await calling(.analytics, "running the \(job) job") {
                try await analyticsService.runJob(request, options: Self.options(seconds: 30)).run
            }
            let deadline = Date().addingTimeInterval(900)
            while run.status == .queued || run.status == .running {
                guard Date() < deadline else {
                    throw DemoFailure(
                        message: "the \(job) job has not ended after 15 minutes (run \(run.runID)); is "
                            + "analytics-worker working? (`hearth jobs runs \(job)`, its log)")
                }
                try await Task.sleep(for: .milliseconds(500))
                var get = Hearth_Analytics_V1_GetJobRunRequest()
                get.runID = run.runID
                run = try await calling(.analytics, "waiting for the \(job) job") {
                    try await analyticsService.getJobRun(get, options: Self.options(seconds: 30)).run
                }
            }
            guard run.status == .succeeded else {
                let reason = run.error.isEmpty ? "no reason given" : run.error
                throw DemoFailure(message: "the \(job) job failed: \(reason)")
            }
            let seconds =
                run.hasStartedAt && run.hasFinishedAt ? run.finishedAt.date.timeIntervalSince(run.startedAt.date) : 0
            say("job \(job): \(DemoText.number(run.rowsAffected)) rows in \(String(format: "%.1f", seconds)) s")
        }
    }
}
