/// What a member earns for a task or a referral: money (cash or store credit), points, or a gift
/// an operator hands out.
public enum Reward: Hashable, Sendable, Codable {
    case money(fen: Int64)
    case points(Int64)
    case gift(String)

    /// Refuses a negative amount and an empty or overlong gift description.
    public func validate() throws(DomainError) {
        switch self {
        case .money(let fen) where fen < 0:
            throw DomainError(code: .invalidArgument, message: "a money reward cannot be negative (\(fen) fen)")
        case .points(let points) where points < 0:
            throw DomainError(code: .invalidArgument, message: "a points reward cannot be negative (\(points))")
        case .gift(let text) where !(1...200).contains(text.trimmedOfWhitespace.unicodeScalars.count):
            throw DomainError(code: .invalidArgument, message: "a gift is described in 1 to 200 characters")
        default: break
        }
    }
}
