import CLibPQ
import Logging

/// Receives the server's NOTICE/WARNING messages and logs them instead of libpq printing to stderr.
final class NoticeRouter: @unchecked Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }

    func route(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        let severity = field("V") ?? "NOTICE"
        let message = field("M") ?? ""
        var metadata: Logger.Metadata = ["pg.severity": "\(severity)"]
        if let sqlState = field("C") { metadata["pg.sqlstate"] = "\(sqlState)" }
        if let detail = field("D") { metadata["pg.detail"] = "\(detail)" }
        switch severity {
        case "WARNING": logger.warning("\(message)", metadata: metadata)
        case "DEBUG", "LOG": logger.debug("\(message)", metadata: metadata)
        default: logger.info("\(message)", metadata: metadata)
        }
    }
}

/// The C callback libpq calls; its context is the connection's `NoticeRouter`, kept alive by it.
let noticeReceiver: PQnoticeReceiver = { context, result in
    guard let context, let result else { return }
    Unmanaged<NoticeRouter>.fromOpaque(context).takeUnretainedValue().route(result)
}
