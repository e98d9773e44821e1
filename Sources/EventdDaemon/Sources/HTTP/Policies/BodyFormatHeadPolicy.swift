/// How the body is compressed (`Content-Encoding`: none, gzip or deflate) and how it holds its
/// events (`Content-Type`: JSON, or form fields); `415` for anything else.
struct BodyFormatHeadPolicy: HTTPHeadPolicy {
    func check(_ request: inout HTTPHeadCheck) -> HTTPHeadVerdict {
        let headers = request.head.headers
        switch headers.first(name: "content-encoding")?.trimmingSpaces.lowercased() {
        case nil, "", "identity": request.encoding = nil
        case "gzip", "x-gzip": request.encoding = .gzip
        case "deflate": request.encoding = .deflate
        case let other?:
            return request.refuse(RequestRefusal(.unsupportedMediaType, .unsupportedMediaType,
                                                 "Content-Encoding '\(other)' is not supported; use gzip or deflate."))
        }
        guard request.head.method == .POST else { return .next }
        let mediaType = headers.first(name: "content-type")?
            .split(separator: ";", maxSplits: 1).first?.trimmingSpaces.lowercased() ?? ""
        switch mediaType {
        case "", "application/json", "text/plain", "application/x-json", "text/json": request.format = .json
        case "application/x-www-form-urlencoded": request.format = .form
        default:
            return request.refuse(RequestRefusal(.unsupportedMediaType, .unsupportedMediaType,
                                                 "Content-Type '\(mediaType)' is not accepted; send JSON as application/json or text/plain."))
        }
        return .next
    }
}
