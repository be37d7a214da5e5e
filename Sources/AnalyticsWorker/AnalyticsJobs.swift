public import HearthStore

/// Every job the analytics worker runs, with its default schedule.
public enum AnalyticsJobs {
    /// Scores run before lifecycle, which reads the stored engagement score.
    public static let all: [any AnalyticsJob] = [
        ScoresJob(), LifecycleJob(), SocialRolesJob(), RfmJob(), ChurnJob(), RetentionJob(), CommunityHealthJob(),
        CampaignReportsJob(),
    ]
}
