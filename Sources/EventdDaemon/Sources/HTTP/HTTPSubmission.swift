import EventdCore

/// What becomes of a request once its body is decoded, decided from the counts alone: the step
/// between the decoder and the ring, with no I/O. `HTTPIngestHandler` carries it out (metrics,
/// the pool, the ring, the answer).
enum HTTPSubmission {
    /// Store nothing and answer now: the rate limiter refused the events (`429`).
    case rateLimited(HTTPReply)
    /// Store nothing and answer now: the events are a bot's (`BotBodyPolicy`); they are counted.
    case droppedBot(HTTPReply)
    /// Nothing of it can land: answer now. The refusal rows go to `analytics.rejected_events` when
    /// the ring has room; when it has not, they are counted as dropped.
    case refusedOnly(HTTPReply)
    /// Answer once the loader is done with the batch (committed, spooled or failed).
    case answerAfterCommit
    /// Answer as soon as the ring holds the batch (beacons and pixels): a browser discards a
    /// beacon's (and an image's) response and cannot retry one, so waiting for PostgreSQL would
    /// only hold a connection and a page unload open for nothing. What the answer promises is that
    /// eventd has the events in its ring; the loader retries PostgreSQL until shutdown's deadline.
    case answerWhenQueued(HTTPReply)

    /// Decides for `work`, whose body decoded to `accepted` events and `refusals` (of `received`);
    /// `limited` is the rate limiter's refusal of that many events, if it refused.
    static func decide(_ work: HTTPIngestWork, received: Int, accepted: Int, refusals: [Rejection],
                       limited: HTTPReply?) -> HTTPSubmission {
        if var limited {
            limited.headers.replaceOrAdd(name: "X-Eventd-Events", value: String(received))
            return .rateLimited(limited)
        }
        if work.dropAsBot {
            return .droppedBot(work.reply(Receipt(fate: .droppedBot, received: received, refusals: [])))
        }
        if accepted == 0, !refusals.isEmpty {
            return .refusedOnly(work.reply(Receipt(fate: .refused, received: received, refusals: refusals)))
        }
        switch work.delivery {
        case .durable: return .answerAfterCommit
        case .beacon, .pixel: return .answerWhenQueued(work.reply(Receipt(fate: .queued, received: received, refusals: refusals)))
        }
    }

    /// The answer when the ring cannot take the batch: the sender's SDK retries (`503`, `Retry-After`).
    static func ringFull(_ work: HTTPIngestWork) -> HTTPReply {
        work.refusal(RequestRefusal(.serviceUnavailable, .unavailable,
                                    "eventd is saturated (its queue to PostgreSQL is full); retry shortly.",
                                    retryAfter: HTTPOutcomeReply.retryAfterUnavailable))
    }
}
