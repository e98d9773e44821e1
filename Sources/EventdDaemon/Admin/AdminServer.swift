import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The operator's listener: `GET /metrics` (Prometheus text format), `GET /healthz` (the process
/// is alive) and `GET /readyz` (every listener is open and PostgreSQL is connected; 503 with the
/// reason otherwise). Keep it on loopback or a management network: it is not authenticated. With
/// `[console]` credentials it also serves the web console under `/console/` (`ConsoleRouter`, which
/// checks them); without, `/console` is not found.
public final class AdminServer: Service, Sendable {
    /// `[admin]`: where to listen.
    private let config: AdminConfig
    private let health: DaemonHealth
    private let renderMetrics: @Sendable () -> String
    private let console: ConsoleRouter?
    private let logger: Logger
    private let bound = BoundAddress()

    public init(config: AdminConfig, health: DaemonHealth, logger: Logger, console: ConsoleService? = nil,
                renderMetrics: @escaping @Sendable () -> String) {
        self.config = config
        self.health = health
        self.logger = logger
        self.console = console?.router
        self.renderMetrics = renderMetrics
    }

    public var localAddress: SocketAddress? { bound.value }

    public func run() async throws {
        let health = self.health
        let renderMetrics = self.renderMetrics
        let console = self.console
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(health: health, console: console, renderMetrics: renderMetrics))
                }
            }
            .bind(host: config.listen.host, port: config.listen.port)
            .get()
        bound.value = server.localAddress
        logger.info("admin listening", metadata: [LogKey.address: "\(server.localAddress.map { "\($0)" } ?? "?")"])
        await withGracefulShutdownHandler {
            try? await server.closeFuture.get()
        } onGracefulShutdown: {
            server.close(promise: nil)
        }
    }
}

final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let health: DaemonHealth
    private let renderMetrics: @Sendable () -> String
    private let console: ConsoleRouter?
    private var head: HTTPRequestHead?

    init(health: DaemonHealth, console: ConsoleRouter?, renderMetrics: @escaping @Sendable () -> String) {
        self.health = health
        self.console = console
        self.renderMetrics = renderMetrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            if let console, ConsoleRouter.owns(path), head.method == .GET || head.method == .HEAD {
                // The console's pages read PostgreSQL on the read path's own thread; the answer comes back
                // on this channel's event loop. HTTP pipelining waits for it (the server pipeline's assistance).
                let request = ConsoleRequest(uri: head.uri, authorization: head.headers.first(name: "Authorization"))
                let answer = context.eventLoop.makeFutureWithTask { await console.respond(to: request) }
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                answer.whenSuccess { response in
                    let (handler, context) = loopBound.value
                    handler.write(HTTPResponseStatus(statusCode: response.status), response.contentType, response.body,
                                  extraHeaders: response.headers, head: head, context: context)
                }
                return
            }
            let (status, contentType, body) = respond(to: head)
            write(status, contentType, body, head: head, context: context)
        }
    }

    private func write(_ status: HTTPResponseStatus, _ contentType: String, _ body: String, extraHeaders: [(String, String)] = [],
                       head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func respond(to head: HTTPRequestHead) -> (HTTPResponseStatus, String, String) {
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, "text/plain", "only GET\n")
        }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch path {
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4", renderMetrics())
        case "/healthz":
            return (.ok, "text/plain", "ok\n")
        case "/readyz":
            let (ready, reason) = health.readiness
            return (ready ? .ok : .serviceUnavailable, "text/plain", reason + "\n")
        default:
            return (.notFound, "text/plain", "not found: try /metrics, /healthz or /readyz\n")
        }
    }
}
