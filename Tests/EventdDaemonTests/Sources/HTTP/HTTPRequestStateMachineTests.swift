@testable import EventdCore
@testable import EventdDaemon
import NIOCore
import NIOHTTP1
import Testing

/// The HTTP request's course as a table: parser parts and the collector's decisions in, actions
/// out, no sockets. Heads are decided by a real `HTTPCollector`; each action is shown as a short
/// text ("send 413 close", "complete → body 5 bytes"). Each action is taken into a `let` first:
/// `#expect` cannot call a mutating method.
@Suite struct HTTPRequestStateMachineTests {
    typealias Machine = HTTPRequestStateMachine
    static let key = "sk_server_0123456789"

    static let collector: HTTPCollector = {
        var settings = HTTPSource.Settings()
        settings.maxBodyBytes = 16
        settings.writeKeys = [WriteKey(name: "server", key: key, kind: .secret)]
        return HTTPCollector(settings: settings, limits: LiveValue(IngestLimits()), anonymizeIP: true)
    }()

    static func head(_ uri: String = "/v1/batch", _ headers: [(String, String)] = [])
        -> HTTPServerRequestPart {
        .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: uri, headers: HTTPHeaders([("X-Write-Key", key)] + headers)))
    }

    static func body(_ text: String) -> HTTPServerRequestPart { .body(ByteBuffer(string: text)) }

    static func describe(_ action: Machine.Action) -> String {
        switch action {
        case .none: "none"
        case .read: "read"
        case .close: "close"
        case .decideHead(let head): "decide \(head.uri)"
        case .sendContinue: "continue"
        case .send(let reply, let close): "send \(reply.status.code)\(close ? " close" : "")"
        case .requestComplete(let then): "complete → \(describe(then))"
        case .decideBody(_, let body): "body \(body.readableBytes) bytes"
        }
    }

    /// Feeds `part`; a head is decided by the collector at once, as the handler does.
    static func feed(_ machine: inout Machine, _ part: HTTPServerRequestPart) -> String {
        let action = machine.partReceived(part)
        guard case .decideHead(let head) = action else { return describe(action) }
        let decided = machine.headDecided(collector.head(head, peer: nil, now: .now()))
        return describe(decided)
    }

    @Test func aRequestGoesFromHeadThroughItsBodyToTheCollectorAndKeepsTheConnection() {
        var machine = Machine()
        let first = machine.partReceived(Self.head())
        #expect(Self.describe(first) == "decide /v1/batch")
        let decided = machine.headDecided(Self.collector.head(HTTPRequestHead(
            version: .http1_1, method: .POST, uri: "/v1/batch", headers: ["X-Write-Key": Self.key]), peer: nil, now: .now()))
        #expect(Self.describe(decided) == "none")
        let a1 = Self.feed(&machine, Self.body("{\"a\":"))
        #expect(a1 == "none")
        let a2 = Self.feed(&machine, Self.body("1}"))
        #expect(a2 == "none")
        let a3 = Self.feed(&machine, .end(nil))
        #expect(a3 == "complete → body 7 bytes")
        #expect(Self.describe(machine.readComplete()) == "none", "no read while answering")
        #expect(Self.describe(machine.answer(.failure(.ok, .malformedRequest, "x"))) == "send 200")
        let written = machine.responseWritten()
        #expect(written == false)
        #expect(Self.describe(machine.pipelineReplayed()) == "read")
    }

    @Test func aClientThatExpectsContinueIsToldToSendItsBody() {
        var machine = Machine()
        let a4 = Self.feed(&machine, Self.head("/v1/batch", [("Expect", "100-continue"), ("Content-Length", "2")]))
        #expect(a4 == "continue")
    }

    @Test func aBodyPastTheLimitIsRefusedAndTheRestOfItIsNotRead() {
        var machine = Machine()
        let a5 = Self.feed(&machine, Self.head("/v1/batch", [("Transfer-Encoding", "chunked")]))
        #expect(a5 == "none")
        let a6 = Self.feed(&machine, Self.body("0123456789"))
        #expect(a6 == "none")
        let a7 = Self.feed(&machine, Self.body("0123456789"))
        #expect(a7 == "send 413 close")
        let a8 = Self.feed(&machine, Self.body("more"))
        #expect(a8 == "none", "discarded")
        let a9 = Self.feed(&machine, .end(nil))
        #expect(a9 == "none")
    }

    @Test func aRequestRefusedAtItsHeadSkipsItsSmallBodyThenIsAnswered() {
        var machine = Machine()
        let a10 = Self.feed(&machine, Self.head("/nothing-here", [("Content-Length", "4")]))
        #expect(a10 == "none")
        let a11 = Self.feed(&machine, Self.body("abcd"))
        #expect(a11 == "none")
        let a12 = Self.feed(&machine, .end(nil))
        #expect(a12 == "complete → send 404")
    }

    @Test func aRequestRefusedAtItsHeadWithALargeBodyIsAnsweredAtOnceAndClosed() {
        var machine = Machine()
        let a13 = Self.feed(&machine, Self.head("/nothing-here", [("Content-Length", "4000")]))
        #expect(a13 == "send 404 close")
        let a14 = Self.feed(&machine, Self.body("abcd"))
        #expect(a14 == "none")
    }

    @Test func pipelinedRequestsWaitForTheAnswerBeforeThemThenReplayInOrder() {
        var machine = Machine()
        _ = Self.feed(&machine, Self.head())
        _ = Self.feed(&machine, Self.body("{}"))
        let a15 = Self.feed(&machine, .end(nil))
        #expect(a15 == "complete → body 2 bytes")
        // The next request arrives while the first is answered: queued, not decided.
        let a16 = Self.describe(machine.partReceived(Self.head("/nothing-here")))
        #expect(a16 == "none")
        let a17 = Self.describe(machine.partReceived(.end(nil)))
        #expect(a17 == "none")
        _ = machine.answer(.failure(.ok, .malformedRequest, "x"))
        let nextHeadParsed = machine.responseWritten()
        #expect(nextHeadParsed == true, "the guard counts the next bytes as that request's body")
        var replayed: [String] = []
        while let part = machine.nextPipelinedPart() { replayed.append(Self.feed(&machine, part)) }
        #expect(replayed == ["none", "complete → send 404"])
        #expect(Self.describe(machine.pipelineReplayed()) == "none", "answering the second: no read")
    }

    @Test func aDrainClosesAnIdleConnectionAndABusyOneAfterItsAnswer() {
        var idle = Machine()
        let a18 = Self.describe(idle.drainRequested())
        #expect(a18 == "close")

        var busy = Machine()
        _ = Self.feed(&busy, Self.head())
        let a19 = Self.describe(busy.drainRequested())
        #expect(a19 == "none")
        _ = Self.feed(&busy, .end(nil))
        #expect(Self.describe(busy.answer(.failure(.ok, .malformedRequest, "x"))) == "send 200 close")
    }

    @Test func aClientWithoutKeepAliveIsAnsweredWithAClose() {
        var machine = Machine()
        _ = Self.feed(&machine, Self.head("/v1/batch", [("Connection", "close")]))
        _ = Self.feed(&machine, .end(nil))
        #expect(Self.describe(machine.answer(.failure(.ok, .malformedRequest, "x"))) == "send 200 close")
    }

    @Test func aBrokenStreamIsAnsweredIfNothingIsBeingAnsweredThenClosed() {
        var idle = Machine()
        let a20 = Self.describe(idle.errorCaught(.headerOverflow))
        #expect(a20 == "send 431 close")
        let a21 = Self.describe(idle.errorCaught(.invalidVersion))
        #expect(a21 == "close", "already answering the first error")

        var answering = Machine()
        _ = Self.feed(&answering, Self.head())
        _ = Self.feed(&answering, .end(nil))
        let a22 = Self.describe(answering.errorCaught(.invalidVersion))
        #expect(a22 == "close")

        var other = Machine()
        let a23 = Self.describe(other.errorCaught(nil))
        #expect(a23 == "close")
        let a24 = Self.feed(&other, .end(nil))
        #expect(a24 == "close", "a part out of order")
    }

    @Test func aCompressedBodyThatEndsEarlyIsRefusedAfterItsEnd() {
        var machine = Machine()
        _ = Self.feed(&machine, Self.head("/v1/batch", [("Content-Encoding", "gzip")]))
        let a25 = Self.feed(&machine, Self.body("\u{1F}"))
        #expect(a25 == "none", "a gzip header's first byte")
        let a26 = Self.feed(&machine, .end(nil))
        #expect(a26 == "complete → send 400", "answered; the connection stays")
    }
}
