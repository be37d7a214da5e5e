import Foundation

extension StringProtocol {
    /// The text without leading and trailing whitespace (including full-width spaces and line
    /// breaks). Most values of an import have none, and those are returned without Foundation's
    /// UTF-16 round trip, which dominates the cost of a million-row file otherwise.
    public var trimmedOfWhitespace: String {
        guard let first = first, let last = last else { return "" }
        guard first.isWhitespace || last.isWhitespace else { return String(self) }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
