import Foundation

extension Duration {
    /// Seconds as Foundation counts them.
    var elapsedTimeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) * 1e-18
    }
}
