import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth jobs …`: the analytics worker's jobs, their schedules and runs, and runs on demand.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "See and schedule the analytics jobs, and run one now.",
        discussion: """
            Jobs: scores (engagement), lifecycle, social_roles, rfm, churn, community_health, campaign_reports, \
            retention. Each tenant has its own cron schedule for each (in the tenant's time zone). A run is taken by \
            one worker under a lease; a dead worker's run is taken over when the lease expires. The worker is found at
            $HEARTH_ANALYTICS_ADDR (default 127.0.0.1:7103).
            """,
        subcommands: [ListJobsCommand.self, RunJobCommand.self, JobRunsCommand.self, ScheduleJobCommand.self])
}

/// How jobs and runs print.
enum JobRows {
    static let jobColumns = ["job", "cron", "enabled", "last_run", "next_run", "last_status", "last_rows"]
    static let runColumns = [
        "run", "job", "status", "attempts", "queued", "started", "finished", "rows", "worker", "error",
    ]

    static func job(_ job: Hearth_Analytics_V1_Job) -> [String] {
        [
            job.jobName, job.cron, job.enabled ? "yes" : "no", time(job.hasLastRunAt, job.lastRunAt),
            time(job.hasNextRunAt, job.nextRunAt), job.hasLastRun ? EnumArgument.text(job.lastRun.status) : "",
            job.hasLastRun && job.lastRun.status == .succeeded ? "\(job.lastRun.rowsAffected)" : "",
        ]
    }

    static func run(_ run: Hearth_Analytics_V1_JobRun) -> [String] {
        [
            run.runID, run.jobName, EnumArgument.text(run.status), "\(run.attempts)",
            time(run.hasQueuedAt, run.queuedAt), time(run.hasStartedAt, run.startedAt),
            time(run.hasFinishedAt, run.finishedAt), run.status == .succeeded ? "\(run.rowsAffected)" : "",
            run.leaseOwner, run.error,
        ]
    }

    static func time(_ present: Bool, _ timestamp: Google_Protobuf_Timestamp) -> String {
        present ? MemberRows.timestamp(timestamp.date) : ""
    }
}

struct ListJobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the tenant's jobs with their schedule and last run.")

    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let options = service.callOptions
        let jobs = try await service.withClient { client in
            try await client.listJobs(Hearth_Analytics_V1_ListJobsRequest(), options: options).jobs
        }
        try output.print(columns: JobRows.jobColumns, rows: jobs.map(JobRows.job))
    }
}

struct RunJobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Queue a run of a job now, and (with --wait) wait for it to end.",
        discussion: """
            A run of the job already waiting is reused. --full computes everything instead of only what changed \
            since the last run. With --wait the command polls the run and exits 1 when it failed.
            """)

    @Argument(help: "The job, e.g. scores or campaign_reports.") var job: String
    @Flag(help: "Compute everything, not only what changed since the last run.") var full = false
    @Flag(help: "Wait until the run has ended, showing its status.") var wait = false
    @Option(help: "With --wait: give up after this many seconds.") var waitSeconds: Int = 3_600
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var request = Hearth_Analytics_V1_RunJobRequest()
        request.jobName = job
        request.idempotencyKey = UUID().uuidString.lowercased()
        if full { request.params.fields["full"] = Google_Protobuf_Value(boolValue: true) }
        let (options, wait, waitSeconds) = (service.callOptions, self.wait, self.waitSeconds)
        let run = try await service.withClient { client in
            var run = try await client.runJob(request, options: options).run
            guard wait else { return run }
            let deadline = Date().addingTimeInterval(TimeInterval(waitSeconds))
            while run.status == .queued || run.status == .running {
                guard Date() < deadline else { break }
                try await Task.sleep(for: .seconds(1))
                var get = Hearth_Analytics_V1_GetJobRunRequest()
                get.runID = run.runID
                run = try await client.getJobRun(get, options: options).run
            }
            return run
        }
        try output.print(columns: JobRows.runColumns, rows: [JobRows.run(run)])
        if wait, run.status != .succeeded {
            printError(
                run.status == .failed
                    ? "hearth: the \(run.jobName) run failed: \(run.error)"
                    : "hearth: the \(run.jobName) run has not ended after \(waitSeconds) s (still "
                        + EnumArgument.text(run.status) + ")")
            throw ExitCode(1)
        }
    }
}

struct JobRunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List job runs, newest first.")

    @Argument(help: "Only this job's runs.") var job: String?
    @Option(name: .customLong("status"), help: "Only runs in this status; repeat for several.")
    var statuses: [EnumArgument<Hearth_Analytics_V1_JobRunStatus>] = []
    @Option(help: "At most this many runs.") var limit: Int = 20
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var list = Hearth_Analytics_V1_ListJobRunsRequest()
        list.jobName = job ?? ""
        list.statuses = statuses.map(\.value)
        let (options, limit) = (service.callOptions, self.limit)
        let runs = try await service.withClient { client in
            try await collectPages(limit: limit) { page in
                var request = list
                request.page = page
                let response = try await client.listJobRuns(request, options: options)
                return (response.runs, response.page)
            }
        }
        try output.print(columns: JobRows.runColumns, rows: runs.map(JobRows.run))
    }
}

struct ScheduleJobCommand: AsyncParsableCommand {
    enum Scheduling: String, EnumerableFlag {
        case enable, disable
    }

    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Change a job's cron schedule, or switch it on or off (admin).",
        discussion: """
            hearth jobs schedule scores --cron '0 */2 * * *'     every two hours, in the tenant's time zone
            hearth jobs schedule churn --disable                 on demand only, until --enable
            """)

    @Argument(help: "The job.") var job: String
    @Option(help: "Five cron fields (minute hour day-of-month month day-of-week); '' for on demand only.")
    var cron: String?
    @Flag(help: "Run the job on its schedule (--enable) or on demand only (--disable).") var scheduling: Scheduling?
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard cron != nil || scheduling != nil else { throw ValidationError("give --cron, --enable or --disable") }
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_UpdateJobRequest()
        request.jobName = job
        request.idempotencyKey = UUID().uuidString.lowercased()
        if let cron {
            request.job.cron = cron
            request.updateMask.paths.append("cron")
        }
        if let scheduling {
            request.job.enabled = scheduling == .enable
            request.updateMask.paths.append("enabled")
        }
        let options = service.callOptions
        let job = try await service.withClient { client in
            try await client.updateJob(request, options: options).job
        }
        try output.print(columns: JobRows.jobColumns, rows: [JobRows.job(job)])
    }
}
