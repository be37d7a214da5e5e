import ArgumentParser
import Foundation
import HearthProtos
import SwiftProtobuf

/// `hearth reports retention`: monthly cohorts and the share of each retained month by month.
struct RetentionReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Monthly cohort retention by first purchase or by join.",
        discussion: """
            One row per cohort month: its size, then the share of the cohort retained k months later (m0 is the \
            cohort month). By first purchase, retained means bought that month; by join, any activity that month. \
            Months are the tenant's calendar months. Computed daily by the retention job; before its first run \
            this exits 1. Example: hearth reports retention --basis join --from 2025-01 --months 6
            """)

    @Option(help: "first_purchase (default) or join.") var basis: EnumArgument<Hearth_Analytics_V1_CohortBasis>?
    @Option(name: .customLong("from"), help: "The first cohort month, YYYY-MM (default: 12 months before this one).")
    var fromMonth: String?
    @Option(help: "Months to follow after each cohort month, 1 to 36 (default: 12).") var months: Int?
    @Flag(help: "Print how many members were retained instead of the shares.") var counts = false
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let months, !(1...36).contains(months) { throw ValidationError("--months must be 1 to 36") }
        _ = try Self.month(fromMonth)
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetRetentionCohortsRequest()
        request.basis = basis?.value ?? .firstPurchase
        if let month = try Self.month(fromMonth) { request.fromMonth = month }
        request.months = Int32(months ?? 0)
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getRetentionCohorts(request, options: options).report
        }
        let width = report.cohorts.map(\.retained.count).max() ?? 1
        let columns = ["cohort", "size"] + (0..<width).map { "m\($0)" }
        let format = output.output
        var rows: [[String]] = []
        for cohort in report.cohorts {
            var row = [Self.monthText(cohort.month), "\(cohort.size)"]
            if counts {
                row += cohort.retained.map { "\($0)" }
            } else {
                row += cohort.rates.map { RepurchaseReportCommand.rate($0, format: format) }
            }
            rows.append(row + Array(repeating: "", count: max(0, columns.count - row.count)))
        }
        try output.print(columns: columns, rows: rows)
        if output.output == .table {
            let computed = MemberRows.timestamp(report.info.computedAt.date)
            print("basis \(EnumArgument.text(report.basis)); computed \(computed)")
        }
    }

    /// `YYYY-MM` (or `YYYY-MM-DD`) as the first day of that month; `nil` when not given.
    static func month(_ text: String?) throws -> Hearth_Common_V1_CalendarDate? {
        guard let text else { return nil }
        let parts = text.split(separator: "-")
        guard (2...3).contains(parts.count), parts[0].count == 4, let year = Int32(parts[0]),
            let month = Int32(parts[1]), (1...12).contains(month), year >= 1
        else {
            throw ValidationError("--from \"\(text)\" is not a month such as 2025-01")
        }
        var date = Hearth_Common_V1_CalendarDate()
        date.year = year
        date.month = month
        date.day = 1
        return date
    }

    static func monthText(_ date: Hearth_Common_V1_CalendarDate) -> String {
        "\(date.year)-" + (date.month < 10 ? "0\(date.month)" : "\(date.month)")
    }
}

/// `hearth reports repurchase`: the share of customers who bought again, over a period and by month.
struct RepurchaseReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repurchase",
        abstract: "Repurchase rate over the last 12 months (or a period) and by month.",
        discussion: """
            Customers are the members who bought in the period; repeat customers those of them with two or more \
            purchases up to its end (earlier purchases count). The last row is the whole period. The last 12 \
            months are computed daily by the retention job; another period must first be computed on demand:
              hearth jobs run retention with params repurchase_start and repurchase_end (RFC 3339),
            then asked for with the same --from and --to.
            """)

    @Option(name: .customLong("from"), help: "Period start, RFC 3339, e.g. 2025-01-01T00:00:00+08:00 (with --to).")
    var from: String?
    @Option(name: .customLong("to"), help: "Period end (exclusive), RFC 3339 (with --from).") var to: String?
    @OptionGroup var service: AnalyticsServiceOptions
    @OptionGroup var output: OutputOptions

    static let columns = ["month", "customers", "repeat_customers", "rate"]

    func validate() throws {
        _ = try period()
    }

    func run() async throws {
        var request = Hearth_Analytics_V1_GetRepurchaseRateRequest()
        if let range = try period() {
            request.period.start = Google_Protobuf_Timestamp(date: range.start)
            request.period.end = Google_Protobuf_Timestamp(date: range.end)
        }
        let options = service.callOptions
        let report = try await service.withClient { client in
            try await client.getRepurchaseRate(request, options: options).report
        }
        let format = output.output
        var rows = report.byMonth.map { month in
            [
                RetentionReportCommand.monthText(month.month), "\(month.customers)", "\(month.repeatCustomers)",
                Self.rate(month.rate, format: format),
            ]
        }
        rows.append(
            ["total", "\(report.customers)", "\(report.repeatCustomers)", Self.rate(report.rate, format: format)])
        try output.print(columns: Self.columns, rows: rows)
        if format == .table {
            print(
                "period \(MemberRows.timestamp(report.info.period.start.date)) to "
                    + "\(MemberRows.timestamp(report.info.period.end.date)); "
                    + "computed \(MemberRows.timestamp(report.info.computedAt.date))")
        }
    }

    static func rate(_ rate: Double, format: OutputFormat) -> String {
        format == .table ? String(format: "%.1f%%", rate * 100) : String(format: "%.4f", rate)
    }

    /// `--from` and `--to` as instants; `nil` when neither is given.
    func period() throws -> (start: Date, end: Date)? {
        if from == nil, to == nil { return nil }
        guard let from, let to else {
            throw ValidationError("give both --from and --to, or neither for the last 12 months")
        }
        guard let start = Self.instant(from) else {
            throw ValidationError("--from \"\(from)\" is not an RFC 3339 time such as 2025-01-01T00:00:00+08:00")
        }
        guard let end = Self.instant(to) else {
            throw ValidationError("--to \"\(to)\" is not an RFC 3339 time such as 2026-01-01T00:00:00+08:00")
        }
        guard start < end else { throw ValidationError("--to must be after --from") }
        return (start, end)
    }

    static func instant(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
