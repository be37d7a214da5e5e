extension CommunitySettings {
    /// The name of group `sequence` of a family copied from a group named `name`: a trailing number
    /// is replaced ("Chengdu pharmacists 1" → "… 2", "成都药师群1" → "成都药师群2"), otherwise the
    /// number is appended ("Chengdu pharmacists" → "Chengdu pharmacists 2", "2024" → "2024 2"). Kept within 200
    /// characters by shortening the name, never the number.
    public static func replicaName(of name: String, sequence: Int) -> String {
        var base = String(trimmed(name))
        let digits = base.reversed().prefix(while: { $0.isASCII && $0.isNumber }).count
        let separator: String
        if digits > 0, digits < base.count {
            base.removeLast(digits)
            separator = ""
        } else {
            separator = " "
        }
        let suffix = separator + String(sequence)
        while base.unicodeScalars.count + suffix.unicodeScalars.count > 200, !base.isEmpty { base.removeLast() }
        return base + suffix
    }
}
