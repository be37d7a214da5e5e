import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// One request as the loopback server read it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// The query exactly as sent, still percent-encoded.
    var rawQuery: String
    /// Header names in lower case.
    var headers: [String: String]
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The query's parameters, percent-decoded.
    var query: [String: String] {
        var parameters: [String: String] = [:]
        for (name, value) in rawQueryParameters {
            parameters[name.removingPercentEncoding ?? name] = value.removingPercentEncoding ?? value
        }
        return parameters
    }

    /// The query's parameters as sent, still percent-encoded.
    var rawQueryParameters: [String: String] {
        var parameters: [String: String] = [:]
        for pair in rawQuery.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return parameters
    }

    init(head: HTTPRequestHead, body: [UInt8]) {
        let target = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        method = head.method.rawValue
        path = String(target[0])
        rawQuery = target.count > 1 ? String(target[1]) : ""
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        self.headers = headers
        self.body = body
    }
}

/// What the server answers to one request, in the order requests arrive.
enum ScriptedResponse: Sendable {
    case respond(status: Int, body: String, headers: [String: String])
    /// Never answers: the client's timeout has to end the request.
    case hang

    static func json(_ body: String, status: Int = 200, headers: [String: String] = [:]) -> ScriptedResponse {
        .respond(status: status, body: body, headers: headers)
    }
}

/// An HTTP/1.1 server on 127.0.0.1 (port chosen by the system) that records every request and
/// answers from a script, then with a fallback once the script runs out.
struct ScriptedHTTPServer: Sendable {
    let port: Int
    private let book: ScriptBook
    private let channel: any Channel

    static func start(
        _ script: [ScriptedResponse], otherwise fallback: ScriptedResponse = .json(#"{"errcode":0,"errmsg":"ok"}"#)
    ) async throws -> ScriptedHTTPServer {
        let book = ScriptBook(script: script, fallback: fallback)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                book.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RecordingHandler(book: book))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            channel.close(promise: nil)
            throw ScriptedServerError.noPort
        }
        return ScriptedHTTPServer(port: port, book: book, channel: channel)
    }

    /// `http://127.0.0.1:<port><pathAndQuery>`.
    func url(_ pathAndQuery: String) -> URL {
        URL(string: "http://127.0.0.1:\(port)\(pathAndQuery)")!
    }

    /// Every request so far, in arrival order.
    var requests: [RecordedRequest] { book.requests }

    /// Closes the listener and every connection.
    func stop() async {
        for connection in book.connections { connection.close(promise: nil) }
        channel.close(promise: nil)
        try? await channel.closeFuture.get()
    }
}

enum ScriptedServerError: Error {
    case noPort
}

/// Starts a server for `body`, and stops it afterwards whatever happens.
func withScriptedServer<Value>(
    _ script: [ScriptedResponse], otherwise fallback: ScriptedResponse = .json(#"{"errcode":0,"errmsg":"ok"}"#),
    _ body: (ScriptedHTTPServer) async throws -> Value
) async throws -> Value {
    let server = try await ScriptedHTTPServer.start(script, otherwise: fallback)
    do {
        let value = try await body(server)
        await server.stop()
        return value
    } catch {
        await server.stop()
        throw error
    }
}

/// The server's shared state: the script, the record, the open connections.
private final class ScriptBook: Sendable {
    private struct State {
        var script: [ScriptedResponse]
        var requests: [RecordedRequest] = []
        var connections: [any Channel] = []
    }

    private let state: Mutex<State>
    private let fallback: ScriptedResponse

    init(script: [ScriptedResponse], fallback: ScriptedResponse) {
        state = Mutex(State(script: script))
        self.fallback = fallback
    }

    /// Records `request` and returns the next scripted answer.
    func answer(_ request: RecordedRequest) -> ScriptedResponse {
        state.withLock { (state) -> ScriptedResponse in
            state.requests.append(request)
            return state.script.isEmpty ? fallback : state.script.removeFirst()
        }
    }

    func track(_ connection: any Channel) {
        state.withLock { $0.connections.append(connection) }
    }

    var requests: [RecordedRequest] { state.withLock { $0.requests } }
    var connections: [any Channel] { state.withLock { $0.connections } }
}

/// Reads one request at a time (the pipeline handler queues pipelined ones) and answers it.
private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let book: ScriptBook
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(book: ScriptBook) {
        self.book = book
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let requestHead = head else { return }
            head = nil
            let answer = book.answer(RecordedRequest(head: requestHead, body: body))
            guard case .respond(let status, let text, let extraHeaders) = answer else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Content-Length", value: String(text.utf8.count))
            for (name, value) in extraHeaders { headers.add(name: name, value: value) }
            let responseHead = HTTPResponseHead(
                version: requestHead.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
