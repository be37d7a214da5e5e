import ArgumentParser

/// `hearth reports …`: the numbers the analytics jobs computed, read from analytics-worker.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Read the analytics: overview, members, groups, campaigns, RFM, churn, retention, repurchase.",
        discussion: """
            Reports are read as the jobs last computed them (`hearth jobs list` shows when); a report never computed \
            says which job to run (`hearth jobs run NAME --wait`). The worker is found at $HEARTH_ANALYTICS_ADDR \
            (default 127.0.0.1:7103).
            """,
        subcommands: [
            OverviewReportCommand.self, MemberReportCommand.self, CommunityReportCommand.self,
            CommunitiesReportCommand.self, CampaignReportCommand.self, RfmReportCommand.self, ChurnReportCommand.self,
            RetentionReportCommand.self,
            RepurchaseReportCommand.self,
        ])
}
