import CLibPQ

/// A non-error message from the server: `RAISE NOTICE`, `WARNING`s, "relation already exists, skipping".
public struct PostgresNotice: Sendable, Hashable, CustomStringConvertible {
    /// `NOTICE`, `WARNING`, `INFO`, `DEBUG`, `LOG`.
    public var severity: String
    /// The SQLSTATE, e.g. `00000` for RAISE NOTICE, `42P07` for "already exists, skipping".
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var hint: String?

    public init(severity: String, sqlState: String?, message: String, detail: String? = nil, hint: String? = nil) {
        self.severity = severity
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
    }

    public var description: String {
        var line = "\(severity) \(sqlState ?? "-----") \(message)"
        if let detail, !detail.isEmpty { line += " (detail: \(detail))" }
        if let hint, !hint.isEmpty { line += " (hint: \(hint))" }
        return OneLine.collapse(line)
    }
}

/// Holds the connection's notice handler where libpq's C callback can reach it.
///
/// libpq's default receiver prints notices to stderr, which would interleave with the daemon's structured
/// logs; we install our own receiver on every connection and route notices to `handler` (or drop them).
/// The box is owned by the connection and outlives its PGconn, so the unretained pointer stays valid.
final class NoticeBox {
    var handler: ((PostgresNotice) -> Void)?

    static let receiver: PQnoticeReceiver = { arg, result in
        guard let arg, let result else { return }
        let box = Unmanaged<NoticeBox>.fromOpaque(arg).takeUnretainedValue()
        guard let handler = box.handler else { return }
        let fields = ResultFields(result)
        handler(
            PostgresNotice(
                severity: fields.severity ?? "NOTICE",
                sqlState: fields.sqlState,
                message: fields.message ?? "",
                detail: fields.detail,
                hint: fields.hint
            )
        )
    }
}
