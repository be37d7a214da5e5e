public import GRPCCore
import HearthDomain
import HearthPostgres
import HearthProtos
public import Logging
import SwiftProtobuf

extension RPCError {
    /// The trailing-metadata key of the machine-readable ``Hearth_Common_V1_ErrorDetail``.
    public static let detailKey = "hearth-error-detail-bin"

    /// A failure with a stable `reason` clients may branch on, sent as an ErrorDetail next to the
    /// status; `fields` name the request fields at fault.
    public init(
        code: RPCError.Code, message: String, reason: String, fields: [String: String] = [:],
        facts: [String: String] = [:], position: (line: Int, column: Int)? = nil
    ) {
        var detail = Hearth_Common_V1_ErrorDetail()
        if let position {
            detail.position.line = Int32(clamping: position.line)
            detail.position.column = Int32(clamping: position.column)
        }
        detail.reason = reason
        detail.fieldViolations = fields.sorted { $0.key < $1.key }.map { field, problem in
            var violation = Hearth_Common_V1_FieldViolation()
            violation.field = field
            violation.message = problem
            return violation
        }
        detail.metadata = facts
        var metadata: Metadata = [:]
        if let bytes: [UInt8] = try? detail.serializedBytes() { metadata.addBinary(bytes, forKey: Self.detailKey) }
        self.init(code: code, message: message, metadata: metadata)
    }

    /// The status an operator sees for any error a handler throws: domain rules and database
    /// failures keep their message; anything unexpected becomes INTERNAL without internals.
    public static func from(_ error: any Error) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as DomainError:
            return RPCError(domain: error)
        case let error as SegmentRuleError:
            return RPCError(
                code: .invalidArgument, message: error.description, reason: "rule_invalid",
                fields: ["rule_text": error.description], position: (error.line, error.column))
        case let error as PostgresError:
            return RPCError(postgres: error)
        case is CancellationError:
            return RPCError(code: .cancelled, message: "the call was cancelled")
        default:
            return RPCError(code: .internalError, message: "an unexpected error occurred; see the service log")
        }
    }

    init(domain error: DomainError) {
        let code: RPCError.Code =
            switch error.code {
            case .invalidArgument: .invalidArgument
            case .notFound: .notFound
            case .alreadyExists: .alreadyExists
            case .failedPrecondition: .failedPrecondition
            case .permissionDenied: .permissionDenied
            case .aborted: .aborted
            case .unavailable: .unavailable
            default: .internalError
            }
        self.init(code: code, message: error.message)
    }

    init(postgres error: PostgresError) {
        switch error.code {
        case .connectionLost, .connectionFailed, .leaseTimeout, .poolClosed:
            self.init(code: .unavailable, message: "the database is unreachable right now; try again")
        case .serializationFailure, .deadlockDetected:
            self.init(code: .aborted, message: "a concurrent change won; try again")
        case .queryCanceled:
            self.init(code: .deadlineExceeded, message: "the database took too long")
        case .uniqueViolation:
            self.init(code: .alreadyExists, message: "it exists already")
        case .checkViolation, .notNullViolation, .invalidValue:
            self.init(
                code: .invalidArgument,
                message: "a value is out of range or malformed" + (error.constraint.map { " (\($0))" } ?? ""))
        default:
            self.init(code: .internalError, message: "a database error occurred; see the service log")
        }
    }
}

/// Runs an RPC handler's body and answers any error as an RPC status (see ``RPCError/from(_:)``),
/// logging the failures an operator cannot act on (internal, unavailable) with their cause.
public func answering<Response>(
    logging logger: Logger, _ body: () async throws -> Response
) async throws(RPCError) -> Response {
    do {
        return try await body()
    } catch {
        let status = RPCError.from(error)
        if status.code == .internalError || status.code == .unavailable {
            logger.error("call failed", metadata: ["error": "\(error)"])
        }
        throw status
    }
}
