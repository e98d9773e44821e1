/// `401` for a request that named no write key, in its head or its body, when one is required
/// (`require_write_key`).
struct RequiredWriteKeyPolicy: HTTPBodyPolicy {
    let required: Bool

    func check(_ request: inout HTTPBodyCheck) -> HTTPHeadVerdict {
        guard request.key == nil, required else { return .next }
        return request.refuse(RequestRefusal(.unauthorized, .missingWriteKey,
                                             "A write key is required: HTTP Basic user, X-Write-Key header, or writeKey in the body."))
    }
}
