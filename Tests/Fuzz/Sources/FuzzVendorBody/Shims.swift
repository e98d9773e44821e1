// What the symlinked adapter files name from code this target leaves out (the Segment receipt
// rendering, which pulls in the whole receipt and ack-line layer): the one constant they use.
enum HTTPOutcomeReply {
    static let retryAfterUnavailable = 5
}
