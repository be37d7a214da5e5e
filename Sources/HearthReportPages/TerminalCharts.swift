/// Charts made of block characters, for report tables in a terminal: a sparkline for a trend, a bar
/// for one figure against the largest (funnels, distributions).
public enum TerminalCharts {
    private static let levels = Array("▁▂▃▄▅▆▇█")
    /// A cell filled one to seven eighths from the left.
    private static let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// One block per value, from ▁ (zero, or the smallest when some are negative) to █ (the
    /// largest). Counts stand on zero, so a flat trend looks flat rather than jagged; a series of
    /// zeros is all ▁. Non-finite values count as zero.
    public static func sparkline(_ values: [Double]) -> String {
        let finite = values.map { $0.isFinite ? $0 : 0 }
        guard let high = finite.max(), let low = finite.min() else { return "" }
        let floor = Swift.min(0, low)
        guard high > floor else { return String(repeating: levels[0], count: finite.count) }
        return String(
            finite.map { value in
                levels[Swift.min(7, Swift.max(0, Int(((value - floor) / (high - floor) * 7).rounded())))]
            })
    }

    /// `value` as a bar of up to `width` cells, full at `max`, drawn in eighths of a cell; empty
    /// for zero, negative or non-finite values.
    public static func bar(_ value: Double, max: Double, width: Int) -> String {
        guard width > 0, max > 0, value > 0, value.isFinite, max.isFinite else { return "" }
        let eighths = Int((Swift.min(value, max) / max * Double(width * 8)).rounded())
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }
}
