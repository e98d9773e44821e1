/// An error from the PostgreSQL layer: a closed `code` saying what kind of failure it was, the server's
/// SQLSTATE and diagnostic fields when the server produced it, and a one-line `description` fit for a log.
///
/// Server errors read like `ERROR 23505 duplicate key value violates unique constraint "x" (detail: …)`;
/// client-side failures read like `connectionFailed: could not connect to postgres://u:***@db/x: …`.
public struct PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. A closed set: callers switch on it (e.g. the loader's reconnect logic).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case connectionFailed, connectionLost, connectionClosed, queryFailed, copyFailed
            case transactionAborted, invalidArgument, unexpectedResult, invalidValue
        }

        private let value: Value

        private init(_ value: Value) {
            self.value = value
        }

        /// Establishing a connection (or `reset()`) failed: bad URL, unreachable server, authentication.
        public static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while in use (server restart, network loss, terminated backend).
        public static let connectionLost = Code(.connectionLost)
        /// The connection was used after `close()`: a programming error, not a network problem.
        public static let connectionClosed = Code(.connectionClosed)
        /// The server rejected a statement; `sqlState` says why.
        public static let queryFailed = Code(.queryFailed)
        /// A COPY failed: rejected by the server (bad row, constraint), or aborted by the caller's body.
        public static let copyFailed = Code(.copyFailed)
        /// `transaction {}` found the transaction aborted by an earlier error the body swallowed; it rolled back.
        public static let transactionAborted = Code(.transactionAborted)
        /// An argument cannot be sent to the server (e.g. a string containing a NUL byte).
        public static let invalidArgument = Code(.invalidArgument)
        /// The server answered with a result of a kind the call does not handle (e.g. COPY OUT from `query`).
        public static let unexpectedResult = Code(.unexpectedResult)
        /// A column value could not be converted to the requested type (e.g. `int` on `"abc"`).
        public static let invalidValue = Code(.invalidValue)

        public var description: String { value.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The five-character SQLSTATE when the server reported the error (e.g. `23505`), else nil.
    public var sqlState: String?
    /// The server's severity (`ERROR`, `FATAL`, …) when the server reported the error.
    public var severity: String?
    /// The primary message, one line.
    public var message: String
    /// The server's DETAIL field, if any.
    public var detail: String?
    /// The server's HINT field, if any.
    public var hint: String?
    /// The server's CONTEXT field: where the error happened, e.g. `COPY events, line 17, column type: "x"`
    /// or `PL/pgSQL function f() line 3 at RAISE`. For COPY it names the failing row.
    public var context: String?
    /// The server's statement position: 1-based index, in characters, into the SQL text sent, where the
    /// error was found (syntax errors, unknown columns). The migration runner turns it into a line number.
    public var position: Int?

    public init(
        code: Code, message: String, sqlState: String? = nil, severity: String? = nil,
        detail: String? = nil, hint: String? = nil, context: String? = nil,
        position: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.context = context
        self.position = position
    }

    /// True when the error means the connection itself is unusable and the caller should reconnect:
    /// connection failures or loss, SQLSTATE class 08 (connection exception), 57P01–57P03 (admin
    /// shutdown, crash shutdown, cannot connect now), and 25006 (read-only transaction: the server is a
    /// standby, e.g. a primary demoted by a failover). 25006 says nothing about the rows: a new
    /// connection with `target_session_attrs=read-write` reaches whichever host is the primary now, so
    /// a batch refused for it must be retried there, never dead-lettered as poison.
    public var isConnectionProblem: Bool {
        if code == .connectionFailed || code == .connectionLost { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
            || sqlState == "25006"
    }

    public var description: String {
        var line: String
        if let sqlState {
            line = "\(severity ?? "ERROR") \(sqlState) \(message)"
        } else {
            line = "\(code): \(message)"
        }
        if let detail, !detail.isEmpty { line += " (detail: \(detail))" }
        if let hint, !hint.isEmpty { line += " (hint: \(hint))" }
        if let context, !context.isEmpty { line += " (context: \(context))" }
        return OneLine.collapse(line)
    }
}
