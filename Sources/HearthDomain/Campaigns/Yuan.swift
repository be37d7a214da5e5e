/// Money as operators read it: fen (1/100 CNY, how Hearth stores and sends amounts) written in yuan.
public enum Yuan {
    /// `8900` → `"89.00"`, `-50` → `"-0.50"`: two decimals, no thousands separators, no symbol,
    /// so messages read the same in every locale.
    public static func text(fen: Int64) -> String {
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return (fen < 0 ? "-" : "") + String(magnitude / 100) + "." + (cents < 10 ? "0" : "") + String(cents)
    }
}
