import Foundation
import GRPCCore
import HearthDomain
import HearthProtos
import HearthWire
import Testing

/// Request and response bytes passed through untouched, so one call shape reaches every method.
private struct RawBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

@Suite("member-service: the role each method needs, over the wire")
struct MemberServiceAccessTests {
    /// Every method, called with an empty message (valid for any protobuf type): without a token it
    /// is UNAUTHENTICATED; with the role just below the one it needs, PERMISSION_DENIED; with the role
    /// it needs it reaches the method, which answers as it will (here, mostly INVALID_ARGUMENT).
    @Test func everyMethodRefusesTheRoleBelowItsOwnAndAdmitsItsOwn() async throws {
        try await MemberServiceHarness.with { harness in
            var refusedBelow = 0
            for method in Hearth_Member_V1_MemberService.Method.descriptors {
                let needed = try #require(HearthAccessPolicy.requiredRole(for: method), "\(method)")
                #expect(try await code(of: method, harness, role: nil) == .unauthenticated, "\(method)")
                if let below = AccessRole.allCases.last(where: { $0 < needed }) {
                    #expect(
                        try await code(of: method, harness, role: below) == .permissionDenied, "\(method) as \(below)")
                    refusedBelow += 1
                }
                let admitted = try await code(of: method, harness, role: needed)
                #expect(admitted != .permissionDenied && admitted != .unauthenticated, "\(method) as \(needed)")
            }
            // Every write is closed to viewers (the reads are open to them).
            #expect(refusedBelow >= 30, "\(refusedBelow)")
        }
    }

    /// The status code a call of `method` ends with (`nil`: it succeeded), sent with a token of
    /// `role`, or with no token at all.
    private func code(of method: MethodDescriptor, _ harness: MemberServiceHarness, role: AccessRole?) async throws
        -> RPCError.Code?
    {
        let token =
            role.map { role in
                AccessToken(
                    tenant: harness.tenant.description, operatorID: "op-test", role: role.rawValue,
                    expiresAt: Int64(Date().timeIntervalSince1970) + 3600
                ).signed(with: MemberServiceHarness.secret)
            } ?? ""
        var options = CallOptions.defaults
        options.timeout = .seconds(20)
        return try await withGRPCClient(
            transport: WireClientTransport(endpoints: [.init(host: "127.0.0.1", port: harness.port)]),
            interceptors: token.isEmpty ? [] : [BearerTokenInterceptor(token: token)]
        ) { client in
            try await client.bidirectionalStreaming(
                request: StreamingClientRequest(of: [UInt8].self) { writer in try await writer.write([]) },
                descriptor: method, serializer: RawBytes(), deserializer: RawBytes(), options: options
            ) { response in
                do {
                    for try await _ in response.messages {}
                    return nil
                } catch let error as RPCError {
                    return error.code
                }
            }
        }
    }
}
