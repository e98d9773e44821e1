/// The write key named in the head (Basic, Bearer, `X-Write-Key` or `?writeKey=`, see
/// `WriteKeyCredentials`): `401` for a key that is not known, or for a secret key sent in the URL.
/// A request without a key goes on: its body may name one (`BodyWriteKeyPolicy`).
///
/// A preflight is never refused here: it carries no credentials of the sender's choosing, and
/// `CORSHeadPolicy` answers it by the key in the URL, if that key is known.
struct CredentialsHeadPolicy: HTTPHeadPolicy {
    let keys: WriteKeyStore

    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        request.presentedKey = WriteKeyCredentials.fromHead(request.head.headers, query: request.query)
        request.key = request.presentedKey.flatMap(keys.match)
        guard request.head.method != .OPTIONS else { return .next }
        if request.presentedKey != nil, request.key == nil {
            return request.refuse(RequestRefusal(.unauthorized, .invalidWriteKey, "The write key is not known."))
        }
        if let key = request.key,
           let refusal = WriteKeyCredentials.secretKeyInURLRefusal(key, request.head.headers, query: request.query) {
            return request.refuse(refusal)
        }
        return .next
    }
}
