import EventdCore
import NIOCore
import NIOHTTP1

/// A request whose body the protocol has read, while the `HTTPBodyPolicy`s look at it: what its
/// head decided (`plan`), what the body held, and what the policies before have found out.
struct HTTPBodyCheck {
    let plan: HTTPRequestPlan
    /// What the protocol read from the body (the events' text, a write key it names, its rules).
    let events: ProtocolEvents
    /// The protocol that read the body, which words the refusals.
    let adapter: any IngestProtocol
    let now: NIODeadline

    // Found out by the policies, in their order.

    /// The write key: the head's, else the one the body names (`BodyWriteKeyPolicy`).
    var key: WriteKeyStore.Match?
    /// Headers every answer carries; a secret key named in the body drops the CORS ones.
    var replyHeaders: HTTPHeaders
    /// Decode (to count) but store nothing (`BotBodyPolicy`).
    var dropAsBot = false

    init(plan: HTTPRequestPlan, events: ProtocolEvents, adapter: any IngestProtocol, now: NIODeadline) {
        self.plan = plan
        self.events = events
        self.adapter = adapter
        self.now = now
        key = plan.key
        replyHeaders = plan.replyHeaders
    }

    /// Answers with `refusal` in the protocol's own shape, with `headers` (else the reply headers).
    func refuse(_ refusal: RequestRefusal, headers: HTTPHeaders? = nil) -> HTTPHeadVerdict {
        var reply = adapter.refusal(refusal)
        reply.headers.add(contentsOf: headers ?? replyHeaders)
        return .answer(reply)
    }

    /// `headers` without the `Access-Control-*` ones.
    static func withoutCORS(_ headers: HTTPHeaders) -> HTTPHeaders {
        HTTPHeaders(headers.filter { !$0.name.lowercased().hasPrefix("access-control-") })
    }
}
