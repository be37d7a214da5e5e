public import HearthDomain

/// The settings an update may write, named as in the API's field mask.
public enum CommunitySettingsField: String, Sendable, CaseIterable {
    case name
    case platform
    case capacity
    case joinPolicy = "join_policy"
    case passPhrase = "pass_phrase"
    case structure
    case visibility
    case purpose
    case rules
    case announcement
}

/// A change to a community's settings: the fields to write and their new values. Values of fields
/// not listed are ignored.
public struct CommunitySettingsUpdate: Sendable, Hashable {
    public var fields: Set<CommunitySettingsField>
    public var name: String
    public var platform: CommunityPlatform?
    /// `nil`: the platform's default (of the new platform, when that changes too).
    public var capacity: Int?
    public var joinPolicy: JoinPolicy?
    /// `nil` or empty: the community no longer needs a pass phrase.
    public var passPhrase: String?
    public var structure: CommunityStructure?
    public var visibility: CommunityVisibility?
    public var purpose: String?
    public var rules: String?
    public var announcement: String?

    public init(
        fields: Set<CommunitySettingsField>, name: String = "", platform: CommunityPlatform? = nil,
        capacity: Int? = nil, joinPolicy: JoinPolicy? = nil, passPhrase: String? = nil,
        structure: CommunityStructure? = nil, visibility: CommunityVisibility? = nil, purpose: String? = nil,
        rules: String? = nil, announcement: String? = nil
    ) {
        self.fields = fields
        self.name = name
        self.platform = platform
        self.capacity = capacity
        self.joinPolicy = joinPolicy
        self.passPhrase = passPhrase
        self.structure = structure
        self.visibility = visibility
        self.purpose = purpose
        self.rules = rules
        self.announcement = announcement
    }

    /// `current` with the listed fields replaced (the pass phrase is not a setting: see
    /// ``passPhrase``).
    public func applied(to current: CommunitySettings) -> CommunitySettings {
        var settings = current
        func listed(_ field: CommunitySettingsField) -> Bool { fields.contains(field) }
        if listed(.name) { settings.name = name }
        if listed(.platform), let platform { settings.platform = platform }
        if listed(.capacity) { settings.capacity = capacity ?? settings.platform.defaultCapacity }
        if listed(.joinPolicy), let joinPolicy { settings.joinPolicy = joinPolicy }
        if listed(.structure), let structure { settings.structure = structure }
        if listed(.visibility), let visibility { settings.visibility = visibility }
        if listed(.purpose) { settings.purpose = purpose }
        if listed(.rules) { settings.rules = rules }
        if listed(.announcement) { settings.announcement = announcement }
        return settings
    }
}
