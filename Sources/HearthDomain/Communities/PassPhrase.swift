/// The phrase newcomers give to join a community (a group's "暗号"). It is compared after trimming
/// surrounding white space, since it is typed on phones and pasted from posters. The store keeps
/// only a salted hash; the phrase is never returned.
public enum PassPhrase {
    /// The phrase as stored and compared, or `nil` for an empty one (no pass phrase).
    public static func normalized(_ text: String) throws(DomainError) -> String? {
        let trimmed = String(CommunitySettings.trimmed(text))
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.unicodeScalars.count <= 200 else {
            throw DomainError(code: .invalidArgument, message: "a pass phrase has at most 200 characters")
        }
        return trimmed
    }
}
