import Foundation
import GRPCCore
import HearthProtos
import NIOCore
import SwiftProtobuf

/// Converts between GRPCCore's call parts and the protobuf envelopes carried in frame bodies.
enum WireEnvelope {
    static func encode(_ metadata: Metadata) -> Hearth_Wire_V1_Metadata {
        var envelope = Hearth_Wire_V1_Metadata()
        envelope.entries = metadata.map { key, value in
            var entry = Hearth_Wire_V1_Metadata.Entry()
            entry.key = key
            switch value {
            case .string(let text): entry.text = text
            case .binary(let bytes): entry.binary = Data(bytes)
            }
            return entry
        }
        return envelope
    }

    static func decode(_ envelope: Hearth_Wire_V1_Metadata) -> Metadata {
        var metadata = Metadata()
        for entry in envelope.entries {
            switch entry.value {
            case .text(let text): metadata.addString(text, forKey: entry.key)
            case .binary(let bytes): metadata.addBinary(Array(bytes), forKey: entry.key)
            case nil: metadata.addString("", forKey: entry.key)
            }
        }
        return metadata
    }

    static func body(_ message: some SwiftProtobuf.Message) -> ByteBuffer {
        // Serialising these small envelopes cannot fail: they hold no required fields or Any.
        ByteBuffer(bytes: (try? message.serializedBytes() as [UInt8]) ?? [])
    }

    static func parse<M: SwiftProtobuf.Message>(_: M.Type, from body: ByteBuffer) throws -> M {
        do {
            return try M(serializedBytes: Array(body.readableBytesView))
        } catch {
            throw WireProtocolError(code: .malformedBody, message: "a \(M.self) body could not be parsed")
        }
    }

    static func trailers(status: Status, metadata: Metadata) -> ByteBuffer {
        var trailers = Hearth_Wire_V1_Trailers()
        trailers.statusCode = Int32(status.code.rawValue)
        trailers.statusMessage = status.message
        trailers.metadata = encode(metadata)
        return body(trailers)
    }

    static func status(from body: ByteBuffer) throws -> (Status, Metadata) {
        let trailers = try parse(Hearth_Wire_V1_Trailers.self, from: body)
        let code = Status.Code(rawValue: Int(trailers.statusCode)) ?? .unknown
        return (Status(code: code, message: trailers.statusMessage), decode(trailers.metadata))
    }

    /// `/package.Service/Method` → a descriptor; `nil` when the path has another shape.
    static func descriptor(fromPath path: String) -> MethodDescriptor? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
        return MethodDescriptor(fullyQualifiedService: String(parts[1]), method: String(parts[2]))
    }

    /// gRPC's timeout header value: at most 8 digits and a unit.
    static func timeoutHeader(_ duration: Duration) -> String {
        let millis = max(
            0, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        return millis < 100_000_000 ? "\(millis)m" : "\(min(millis / 1000, 99_999_999))S"
    }
}
