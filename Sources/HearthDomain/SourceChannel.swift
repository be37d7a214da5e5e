/// How a member first reached the company.
public enum SourceChannel: String, Sendable, Codable, CaseIterable {
    case qrPoster = "qr_poster"
    case phoneInvite = "phone_invite"
    case officialAccount = "official_account"
    case weibo
    case offlineSales = "offline_sales"
    case referral
    case `import`
    case other
}
