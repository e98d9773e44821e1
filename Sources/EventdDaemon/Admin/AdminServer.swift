import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The operator's listener: `GET /metrics` (Prometheus text format), `GET /healthz` (the process
/// is alive) and `GET /readyz` (every listener is open and PostgreSQL is connected; 503 with the
/// reason otherwise). Keep it on loopback or a management network: it is not authenticated.
public final class AdminServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let health: DaemonHealth
    private let renderMetrics: @Sendable () -> String
    private let logger: Logger
    private let bound = BoundAddress()

    public init(host: String, port: Int, health: DaemonHealth, logger: Logger,
                renderMetrics: @escaping @Sendable () -> String) {
        self.host = host
        self.port = port
        self.health = health
        self.logger = logger
        self.renderMetrics = renderMetrics
    }

    public var localAddress: SocketAddress? { bound.value }

    public func run() async throws {
        let health = self.health
        let renderMetrics = self.renderMetrics
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(health: health, renderMetrics: renderMetrics))
                }
            }
            .bind(host: host, port: port)
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
    private var head: HTTPRequestHead?

    init(health: DaemonHealth, renderMetrics: @escaping @Sendable () -> String) {
        self.health = health
        self.renderMetrics = renderMetrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let (status, contentType, body) = respond(to: head)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
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
