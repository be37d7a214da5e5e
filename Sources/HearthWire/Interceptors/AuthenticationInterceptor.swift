public import GRPCCore

/// Checks the `authorization: Bearer <token>` metadata of every call and the caller's role against
/// the method's requirement; the verified token is then available to handlers as
/// ``AuthenticationInterceptor/caller``.
///
/// Missing, forged or expired tokens get UNAUTHENTICATED (never saying which); a role below the
/// method's requirement gets PERMISSION_DENIED. Methods the policy returns `nil` for are open
/// (health checks).
public struct AuthenticationInterceptor: ServerInterceptor {
    /// The verified caller of the current call, for handlers.
    @TaskLocal public static var caller: AccessToken?

    let secret: AccessTokenSecret
    let requiredRole: @Sendable (MethodDescriptor) -> AccessRole?
    let now: @Sendable () -> Int64

    public init(
        secret: AccessTokenSecret,
        requiredRole: @escaping @Sendable (MethodDescriptor) -> AccessRole?,
        now: @escaping @Sendable () -> Int64
    ) {
        self.secret = secret
        self.requiredRole = requiredRole
        self.now = now
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        guard let required = requiredRole(context.descriptor) else {
            return try await next(request, context)
        }
        guard let header = request.metadata[stringValues: "authorization"].first(where: { _ in true }),
            header.hasPrefix("Bearer ")
        else {
            return StreamingServerResponse(
                error: RPCError(
                    code: .unauthenticated, message: "this call needs an access token (authorization: Bearer …)"))
        }
        let token: AccessToken
        do {
            token = try AccessToken(verifying: String(header.dropFirst("Bearer ".count)), with: secret, now: now())
        } catch {
            return StreamingServerResponse(
                error: RPCError(code: .unauthenticated, message: "the access token is not valid; issue a new one"))
        }
        guard let role = AccessRole(rawValue: token.role), role >= required else {
            return StreamingServerResponse(
                error: RPCError(
                    code: .permissionDenied,
                    message:
                        "\(context.descriptor.method) needs the \(required.rawValue) role; the token has \(token.role)")
            )
        }
        var response = try await Self.$caller.withValue(token) { try await next(request, context) }
        // A streaming handler runs inside its response's producer, which GRPCCore calls after this
        // interceptor has returned: the caller must be bound there too.
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in try await Self.$caller.withValue(token) { try await producer(writer) } }
            response.accepted = .success(contents)
        }
        return response
    }
}

/// Adds `authorization: Bearer <token>` to every call a client makes.
public struct BearerTokenInterceptor: ClientInterceptor {
    let token: String

    public init(token: String) { self.token = token }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingClientRequest<Input>,
        context: ClientContext,
        next: (StreamingClientRequest<Input>, ClientContext) async throws -> StreamingClientResponse<Output>
    ) async throws -> StreamingClientResponse<Output> {
        var request = request
        request.metadata.replaceOrAddString("Bearer \(token)", forKey: "authorization")
        return try await next(request, context)
    }
}
