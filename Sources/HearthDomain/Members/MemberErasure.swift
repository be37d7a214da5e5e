/// What erasing a member leaves behind.
///
/// Erasure (a PIPL deletion request) scrubs the personal data of a member in place and for good: the
/// row stays, under its random id, so events, orders and group counts keep adding up, but nothing
/// in it points to a person any more.
public enum MemberErasure {
    /// The display name an erased member keeps (the column may not be empty).
    public static let placeholderName = "erased member"
    /// The source of the refusals recorded on every channel when a member is erased, so the consent
    /// history ends with "no contact" and says why.
    public static let consentSource = "erasure"
    /// Most characters of the reason kept with an erasure.
    public static let maximumReasonLength = 2000
}
