/// A profile field an import file may provide. On a member that already exists only the fields
/// the file provides are written, and an empty value leaves the stored one as it is.
public enum MemberImportField: String, Sendable, CaseIterable, Hashable {
    case displayName = "display_name"
    case phone
    case email
    case province = "region.province"
    case city = "region.city"
    case organisationKind = "org_kind"
    case tags
    case interests
    case sourceChannel = "source_channel"
    case vipTier = "vip_tier"
    case lifecycleStage = "lifecycle_stage"
}
