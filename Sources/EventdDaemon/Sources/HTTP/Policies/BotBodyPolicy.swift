import EventdCore

/// The bot rule: a request whose User-Agent is a bot's (`UserAgentClassifier`) is decoded, to be
/// counted, but its events are not stored, when `drop_bots` is on or the protocol drops bots
/// itself (`ProtocolEvents.dropsBots`). Never for a secret key: a server relaying for its users
/// says nothing about a bot with its own HTTP library's User-Agent. Answers nothing itself.
struct BotBodyPolicy: HTTPBodyPolicy {
    let dropBots: Bool

    func check(_ request: inout HTTPBodyCheck) -> HTTPHeadVerdict {
        let isBot = request.plan.userAgent.map { UserAgentClassifier.classify($0).isBot } ?? false
        request.dropAsBot = (dropBots || request.events.dropsBots) && isBot && request.key?.kind != .secret
        return .next
    }
}
