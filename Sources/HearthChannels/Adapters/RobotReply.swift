import Foundation

/// The answer of a WeCom or DingTalk robot: HTTP 200 with `{"errcode":0,"errmsg":"ok"}` when the
/// message was posted, another `errcode` when it was not.
struct RobotReply: Decodable {
    var errcode: Int
    var errmsg: String?

    init?(_ body: [UInt8]) {
        guard let reply = try? JSONDecoder().decode(RobotReply.self, from: Data(body)) else { return nil }
        self = reply
    }

    /// A 2xx whose body is not a robot reply: the message may or may not be in the group, so it is
    /// not retried (robots take no idempotency key, a retry could post it twice).
    static func unreadable(_ response: HTTPTransportResponse, robot: String) -> ChannelSendResult {
        .permanent(
            ChannelFailure(
                code: .badResponse,
                reason: "\(robot) answered HTTP \(response.status) without an errcode"
                    + HTTPDeliveryAttempt.snippet(of: response.body),
                httpStatus: response.status))
    }

    /// The result for this reply, given which codes are worth retrying and which of those mean
    /// "too fast".
    func result(
        robot: String, status: Int, retryable: Set<Int>, rateLimited: Set<Int>, explanations: [Int: String]
    ) -> ChannelSendResult {
        guard errcode != 0 else { return .delivered(providerMessageID: nil) }
        let explanation = explanations[errcode].map { " (\($0))" } ?? ""
        let reason = "\(robot) errcode \(errcode): \(errmsg ?? "")\(explanation)"
        if rateLimited.contains(errcode) {
            return .retryable(
                ChannelFailure(code: .rateLimited, reason: reason, httpStatus: status, providerCode: errcode))
        }
        if retryable.contains(errcode) {
            return .retryable(
                ChannelFailure(code: .providerError, reason: reason, httpStatus: status, providerCode: errcode))
        }
        return .permanent(
            ChannelFailure(code: .providerError, reason: reason, httpStatus: status, providerCode: errcode))
    }

    /// Mentions as the robots match them: a mainland-China number in E.164 (`+8613800001111`)
    /// becomes its national 11-digit form; anything else (`@all`, other regions) is kept as given.
    static func robotMobile(_ mobile: String) -> String {
        let national = mobile.dropFirst(3)
        if mobile.hasPrefix("+86"), national.count == 11, national.allSatisfy(\.isASCIIDigit) {
            return String(national)
        }
        return mobile
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
