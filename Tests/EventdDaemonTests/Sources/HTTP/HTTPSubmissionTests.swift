@testable import EventdCore
@testable import EventdDaemon
import NIOCore
import NIOHTTP1
import Testing

/// What becomes of a decoded request, as a value: its counts in, the step to take and the answer
/// out. The request is read by a real `HTTPCollector`; no sockets, no ring.
struct HTTPSubmissionTests {
    static let collector: HTTPCollector = {
        var settings = HTTPSource.Settings()
        settings.requireWriteKey = false
        return HTTPCollector(settings: settings, limits: LiveValue(IngestLimits()), anonymizeIP: true)
    }()

    static func work() throws -> HTTPIngestWork {
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/batch", headers: [:])
        guard case .read(let plan) = collector.head(head, peer: nil, now: .now()) else { throw CancellationError() }
        let body = Array(#"{"batch":[{"type":"track","event":"e","anonymousId":"a"}]}"#.utf8)
        let decision = body.withUnsafeBytes { collector.body(plan, body: $0, now: .now(), receivedAt: 0) }
        guard case .ingest(let work) = decision else { throw CancellationError() }
        return work
    }

    static func describe(_ submission: HTTPSubmission) -> String {
        switch submission {
        case .rateLimited(let reply): "rate limited \(reply.status.code) events=\(reply.headers.first(name: "X-Eventd-Events") ?? "-")"
        case .droppedBot(let reply): "dropped bot \(reply.status.code)"
        case .refusedOnly(let reply): "refused \(reply.status.code)"
        case .answerAfterCommit: "after commit"
        case .answerWhenQueued(let reply): "when queued \(reply.status.code)"
        }
    }

    static let refusal = Rejection(index: 0, messageId: nil, reason: .invalidEventType, detail: "bad", rawRange: 0..<1)

    @Test func anAPIRequestIsAnsweredAfterItsCommit() throws {
        let work = try Self.work()
        #expect(Self.describe(HTTPSubmission.decide(work, received: 2, accepted: 1, refusals: [Self.refusal], limited: nil))
            == "after commit", "one event can land: the answer waits for it")
    }

    @Test func theRateLimiterComesFirstAndSaysHowManyEventsItRefused() throws {
        var work = try Self.work()
        work.dropAsBot = true
        let limited = HTTPReply.failure(.tooManyRequests, .rateLimited, "slow down")
        #expect(Self.describe(HTTPSubmission.decide(work, received: 3, accepted: 3, refusals: [], limited: limited))
            == "rate limited 429 events=3")
    }

    @Test func aBotsEventsAreAnsweredAtOnceAndNotStored() throws {
        var work = try Self.work()
        work.dropAsBot = true
        #expect(Self.describe(HTTPSubmission.decide(work, received: 1, accepted: 1, refusals: [], limited: nil))
            .hasPrefix("dropped bot 2"))
    }

    @Test func aRequestOfOnlyRefusedEventsIsAnsweredAtOnce() throws {
        let work = try Self.work()
        #expect(Self.describe(HTTPSubmission.decide(work, received: 1, accepted: 0, refusals: [Self.refusal], limited: nil))
            .hasPrefix("refused 4"))
    }

    @Test func aBeaconIsAnsweredOnceQueuedAndAFullRingIsA503() throws {
        var work = try Self.work()
        work.delivery = .beacon
        #expect(Self.describe(HTTPSubmission.decide(work, received: 1, accepted: 1, refusals: [], limited: nil))
            .hasPrefix("when queued 2"))
        let full = HTTPSubmission.ringFull(work)
        #expect(full.status == .serviceUnavailable)
        #expect(full.headers.first(name: "Retry-After") != nil)
    }
}
