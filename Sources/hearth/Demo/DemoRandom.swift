/// The demo's random numbers: SplitMix64, whose sequence depends on nothing but its seed, so
/// `hearth demo load --seed N` generates the same members, purchases, orders and call outcomes on
/// every machine.
///
/// Each part of the scenario draws from a stream of its own (`stream`), so changing how many
/// numbers one part draws never shifts another part's data.
struct DemoRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        _ = next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// `true` with probability `probability` (0 to 1).
    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    /// One of `choices`, each as likely as its weight says (weights need not add up to 1).
    mutating func weighted<Value>(_ choices: [(Value, Double)]) -> Value {
        let total = choices.reduce(0) { $0 + $1.1 }
        var point = Double.random(in: 0..<total, using: &self)
        for (value, weight) in choices {
            if point < weight { return value }
            point -= weight
        }
        return choices[choices.count - 1].0
    }

    /// An element of a non-empty array, each equally likely.
    mutating func element<Value>(of values: [Value]) -> Value {
        values[Int.random(in: 0..<values.count, using: &self)]
    }
}
