/// The signature header of `webhook` and `sms_webhook` posts:
///
///     X-Hearth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
///
/// The receiver recomputes the MAC over the raw body it received, compares in constant time, and
/// refuses a `t` too far from its clock (five minutes is usual) so a captured request cannot be
/// replayed later. `Idempotency-Key` (the delivery id) lets it drop a retried duplicate.
enum WebhookSignature {
    static let headerName = "X-Hearth-Signature"

    static func header(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        let mac = HMACSHA256.authenticationCode(key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + body)
        return "t=\(timestamp),v1=\(HMACSHA256.hex(mac))"
    }
}
