/// Finds the name an operator probably meant, so a typo gets "did you mean" instead of a bare
/// refusal.
enum NameSuggestion {
    /// The candidate closest to `word` by edit distance (case-insensitive), or `nil` when none is
    /// close enough to be a likely typo. A dotted candidate also matches by its last part, so
    /// `province` suggests `region.province`; a prefix of three or more letters counts as close.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let typed = word.lowercased()
        let typedScalars = Array(typed.unicodeScalars)
        guard !typedScalars.isEmpty else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            var forms = [candidate]
            if let dot = candidate.lastIndex(of: ".") {
                forms.append(String(candidate[candidate.index(after: dot)...]))
            }
            for form in forms {
                var distance = editDistance(typedScalars, Array(form.unicodeScalars))
                if distance > 1, typedScalars.count >= 3, form.hasPrefix(typed) { distance = 1 }
                if distance < (best?.distance ?? Int.max) { best = (name: candidate, distance: distance) }
            }
        }
        guard let best, best.distance <= max(1, typedScalars.count / 3) else { return nil }
        return best.name
    }

    /// Levenshtein distance: insertions, deletions and substitutions of one scalar each.
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
