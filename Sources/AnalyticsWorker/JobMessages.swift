import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthRuntime
import HearthStore
import SwiftProtobuf

/// Jobs and runs between the wire and the store.
enum JobMessages {
    static func job(_ job: JobRecord, lastRun: JobRunRecord?) -> Hearth_Analytics_V1_Job {
        var message = Hearth_Analytics_V1_Job()
        message.jobName = job.name
        message.cron = job.cron ?? ""
        message.enabled = job.enabled
        if let last = job.lastRunAt { message.lastRunAt = Google_Protobuf_Timestamp(date: last) }
        if let next = job.nextRunAt { message.nextRunAt = Google_Protobuf_Timestamp(date: next) }
        if let lastRun { message.lastRun = run(lastRun) }
        return message
    }

    static func run(_ run: JobRunRecord) -> Hearth_Analytics_V1_JobRun {
        var message = Hearth_Analytics_V1_JobRun()
        message.runID = run.id.uuidString.lowercased()
        message.jobName = run.jobName
        message.status = status(run.status)
        var params = Google_Protobuf_Struct()
        for (key, value) in run.params { params.fields[key] = Google_Protobuf_Value(stringValue: value) }
        message.params = params
        message.leaseOwner = run.leaseOwner ?? ""
        if let expires = run.leaseExpiresAt { message.leaseExpiresAt = Google_Protobuf_Timestamp(date: expires) }
        message.attempts = Int32(clamping: run.attempts)
        message.queuedAt = Google_Protobuf_Timestamp(date: run.queuedAt)
        if let started = run.startedAt { message.startedAt = Google_Protobuf_Timestamp(date: started) }
        if let finished = run.finishedAt { message.finishedAt = Google_Protobuf_Timestamp(date: finished) }
        message.rowsAffected = run.rowsAffected ?? 0
        message.error = run.error ?? ""
        return message
    }

    static func status(_ status: JobRunRecord.Status) -> Hearth_Analytics_V1_JobRunStatus {
        switch status {
        case .queued: .queued
        case .running: .running
        case .succeeded: .succeeded
        case .failed: .failed
        }
    }

    static func status(_ status: Hearth_Analytics_V1_JobRunStatus, field: String) throws(RPCError)
        -> JobRunRecord.Status
    {
        switch status {
        case .queued: return .queued
        case .running: return .running
        case .succeeded: return .succeeded
        case .failed: return .failed
        default:
            throw RPCError(
                code: .invalidArgument, message: "\(field) is not a run status", reason: "status_invalid",
                fields: [field: "unspecified"])
        }
    }

    /// A run's parameters as text: strings as they are, booleans and numbers written out. Nested
    /// lists and objects are refused rather than flattened.
    static func params(_ params: Google_Protobuf_Struct) throws(RPCError) -> [String: String] {
        var text: [String: String] = [:]
        for (key, value) in params.fields {
            switch value.kind {
            case .stringValue(let string)?: text[key] = string
            case .boolValue(let bool)?: text[key] = bool ? "true" : "false"
            case .numberValue(let number)?:
                text[key] = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            default:
                throw RPCError(
                    code: .invalidArgument,
                    message: "params.\(key) must be a string, number or boolean (e.g. {\"full\": true})",
                    reason: "params_invalid", fields: ["params.\(key)": "not a string, number or boolean"])
            }
        }
        return text
    }
}
