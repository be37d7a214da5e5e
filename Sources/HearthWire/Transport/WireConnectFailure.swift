import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a connect failed, in the system's words ("Connection refused"), not NIO's nested
/// description of every address it tried: the operator reads it after "cannot reach HOST:PORT".
struct WireConnectFailure: Error, CustomStringConvertible {
    let description: String

    init(_ error: any Error) {
        var underlying = error
        if let failure = error as? NIOConnectionError {
            if let first = failure.connectionErrors.first {
                underlying = first.error
            } else if failure.dnsAError != nil || failure.dnsAAAAError != nil {
                description = "the host name \(failure.host) does not resolve"
                return
            }
        }
        switch underlying {
        case let io as IOError:
            description = String(cString: strerror(io.errnoCode))
        case ChannelError.connectTimeout(let limit):
            description = "no answer within \(limit.nanoseconds / 1_000_000_000) seconds"
        default:
            description = "\(underlying)"
        }
    }
}
