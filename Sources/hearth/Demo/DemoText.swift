/// Numbers in the demo's progress lines, written the same in every locale.
enum DemoText {
    /// `5000` → `5,000`.
    static func number(_ value: some BinaryInteger) -> String {
        let digits = String(value.magnitude)
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (value < 0 ? "-" : "") + text
    }

    /// `28543210` fen → `285,432.10 CNY`.
    static func yuan(_ fen: Int64) -> String {
        let cents = fen.magnitude % 100
        return (fen < 0 ? "-" : "") + number(fen.magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
            + " CNY"
    }
}
