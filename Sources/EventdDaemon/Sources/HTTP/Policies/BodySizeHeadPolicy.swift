/// `413` for a body whose `Content-Length` already passes the limit. A chunked or compressed body
/// is measured as it arrives instead (`HTTPRequestStateMachine`, `BodyInflater`).
struct BodySizeHeadPolicy: HTTPHeadPolicy {
    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        guard let length = request.head.headers.first(name: "content-length").flatMap({ Int($0.trimmingSpaces) }),
              length > request.maxBodyBytes else { return .next }
        return request.refuse(RequestRefusal(.payloadTooLarge, .bodyTooLarge,
                                             "The body is \(length) bytes; the limit is \(request.maxBodyBytes)."))
    }
}
