import HearthProtos

/// The fixed parts of the demo's story: a B2B platform selling to pharmacies and clinics across
/// China, its Sichuan VIP group, the campaigns it runs and the words it uses.
enum DemoCatalog {
    static let timeZoneName = "Asia/Shanghai"

    // MARK: Names the demo creates (a tenant holding one of the campaigns holds the demo already)

    static let recruitmentName = "四川VIP入群招募"
    static let activityName = "周四会员日"
    static let reactivationName = "沉睡客户短信召回"
    static let campaignNames = [recruitmentName, activityName, reactivationName]

    static let communityName = "四川VIP会员群"
    static let communityPurpose = "四川VIP药房与诊所的专属群：每周四会员日、会员专享价、用药与经营资讯。"
    static let communityRules = "只发与药品经营相关的内容；不发广告；会员价信息请勿外传。"
    static let communityAnnouncement = "每周四20:00会员日，周三10:00群内预告当周会员专享价。"

    struct SegmentDefinition: Sendable {
        let name: String
        let rule: String
    }

    static let sichuanVIP = SegmentDefinition(
        name: "sichuan-vip", rule: #"region.province = "Sichuan" and vip_tier >= 1"#)
    /// Bought in the last year, but not in the last 90 days: the win-back's audience.
    static let lapsed = SegmentDefinition(
        name: "lapsed", rule: "purchases(last 90d).count = 0 and purchases(last 365d).count >= 1")

    // MARK: The Thursday activity

    /// 300,000 CNY over the four Thursdays.
    static let goalRevenueFen: Int64 = 30_000_000
    static let activityStartHour: Int32 = 20
    /// Each Thursday's live phase: 20:00 to 23:00.
    static let activityDurationSeconds: Int64 = 3 * 3_600
    static let announceText = "{{display_name}}您好：明晚20:00周四会员日，阿莫西林、布洛芬等4款会员专享价，仅限四川VIP会员，敬请留意。"
    static let liveText = "周四会员日开始啦！会员专享价今晚20:00-23:00有效，{{display_name}}下单时请备注“会员日”。"

    /// A members-only price under the price guard: floor ≤ exclusive < site lowest ≤ list.
    struct OfferPrice: Sendable {
        let sku: String
        let listFen: Int64
        let siteLowestFen: Int64
        let exclusiveFen: Int64
        let floorFen: Int64
    }

    static let offers = [
        OfferPrice(
            sku: "AMOXICILLIN-0.25G-24", listFen: 2_800, siteLowestFen: 2_450, exclusiveFen: 1_980, floorFen: 1_650),
        OfferPrice(
            sku: "IBUPROFEN-SR-0.3G-20", listFen: 2_600, siteLowestFen: 2_280, exclusiveFen: 1_890, floorFen: 1_500),
        OfferPrice(sku: "VITAMIN-C-100MG-100", listFen: 1_500, siteLowestFen: 1_290, exclusiveFen: 990, floorFen: 800),
        OfferPrice(sku: "MASK-N95-50", listFen: 9_900, siteLowestFen: 8_800, exclusiveFen: 7_500, floorFen: 6_200),
    ]

    // MARK: The win-back

    static let winBackText = "{{display_name}}您好，好久不见！老客户回归专享：本周下单满2000减200，回复1领取。回T退订"

    // MARK: Analytics

    /// Every job, in the order their inputs need: scores before lifecycle, lifecycle before churn.
    static let jobs = [
        "scores", "lifecycle", "social_roles", "rfm", "churn", "community_health", "campaign_reports", "retention",
    ]

    // MARK: Recruitment calls

    static func callNote(_ outcome: Hearth_Common_V1_CallOutcome) -> String {
        switch outcome {
        case .joined: "已扫码入群"
        case .invited: "已发送入群邀请，待扫码"
        case .declined: "暂不需要"
        case .notReached: "未接通，改天再打"
        default: ""
        }
    }

    // MARK: Members

    struct City: Sendable {
        let name: String
        let chinese: String
    }

    struct Province: Sendable {
        let name: String
        /// Share of the tenant's members.
        let weight: Double
        let cities: [City]
    }

    /// Sichuan holds the largest share: the platform's home market.
    static let provinces = [
        Province(
            name: "Sichuan", weight: 0.30,
            cities: [
                City(name: "Chengdu", chinese: "成都"), City(name: "Mianyang", chinese: "绵阳"),
                City(name: "Deyang", chinese: "德阳"), City(name: "Yibin", chinese: "宜宾"),
                City(name: "Nanchong", chinese: "南充"), City(name: "Leshan", chinese: "乐山"),
                City(name: "Luzhou", chinese: "泸州"),
            ]),
        Province(name: "Chongqing", weight: 0.08, cities: [City(name: "Chongqing", chinese: "重庆")]),
        Province(
            name: "Guangdong", weight: 0.12,
            cities: [
                City(name: "Guangzhou", chinese: "广州"), City(name: "Shenzhen", chinese: "深圳"),
                City(name: "Dongguan", chinese: "东莞"), City(name: "Foshan", chinese: "佛山"),
            ]),
        Province(
            name: "Zhejiang", weight: 0.08,
            cities: [
                City(name: "Hangzhou", chinese: "杭州"), City(name: "Ningbo", chinese: "宁波"),
                City(name: "Wenzhou", chinese: "温州"),
            ]),
        Province(
            name: "Jiangsu", weight: 0.08,
            cities: [
                City(name: "Nanjing", chinese: "南京"), City(name: "Suzhou", chinese: "苏州"),
                City(name: "Wuxi", chinese: "无锡"),
            ]),
        Province(
            name: "Shandong", weight: 0.07,
            cities: [
                City(name: "Jinan", chinese: "济南"), City(name: "Qingdao", chinese: "青岛"),
                City(name: "Yantai", chinese: "烟台"),
            ]),
        Province(
            name: "Henan", weight: 0.06,
            cities: [City(name: "Zhengzhou", chinese: "郑州"), City(name: "Luoyang", chinese: "洛阳")]),
        Province(
            name: "Hubei", weight: 0.06,
            cities: [City(name: "Wuhan", chinese: "武汉"), City(name: "Yichang", chinese: "宜昌")]),
        Province(
            name: "Hunan", weight: 0.05,
            cities: [City(name: "Changsha", chinese: "长沙"), City(name: "Zhuzhou", chinese: "株洲")]),
        Province(
            name: "Yunnan", weight: 0.05,
            cities: [City(name: "Kunming", chinese: "昆明"), City(name: "Dali", chinese: "大理")]),
        Province(
            name: "Shaanxi", weight: 0.05,
            cities: [City(name: "Xi'an", chinese: "西安"), City(name: "Baoji", chinese: "宝鸡")]),
    ]

    static let brands = [
        "康宁", "仁和", "百姓", "益丰", "健民", "同仁", "惠民", "济世", "安康", "德仁", "福寿", "民生", "春天", "博爱",
        "华康", "瑞康", "恒信", "广济", "正心", "天和",
    ]
    static let pharmacySuffixes = ["大药房", "药店", "医药连锁", "平价药房"]
    static let clinicSuffixes = ["诊所", "中医诊所", "社区卫生服务站", "口腔诊所", "门诊部"]

    /// Mainland mobile prefixes (1[3-9]x); with eight digits each makes an 11-digit mobile.
    static let mobilePrefixes = [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "158",
        "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "198", "199",
    ]

    /// Where the members first came from, with their shares.
    static let sourceChannels: [(Hearth_Common_V1_SourceChannel, Double)] = [
        (.offlineSales, 0.5), (.phoneInvite, 0.2), (.qrPoster, 0.2), (.officialAccount, 0.1),
    ]
}
