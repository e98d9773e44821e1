import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking libpq connection.
///
/// libpq blocks the calling thread, so this is a non-`Sendable` class meant to live on one thread at a time
/// (the daemon gives its loader a dedicated thread). Every call is synchronous; errors are `PostgresError`.
/// `deinit` closes the connection.
public final class PostgresConnection {
    /// nil after `close()`.
    var handle: OpaquePointer?
    /// The connection string with passwords masked, for error messages.
    let maskedTarget: String
    private let notices = NoticeBox()

    private init(handle: OpaquePointer, maskedTarget: String) {
        self.handle = handle
        self.maskedTarget = maskedTarget
        PQsetNoticeReceiver(handle, NoticeBox.receiver, Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Opens a connection.
    ///
    /// - Parameters:
    ///   - url: a `postgres://` / `postgresql://` URL or a libpq keyword string (`host=… dbname=…`).
    ///     nil or empty means libpq's standard `PG*` environment variables (PGHOST, PGPORT, PGUSER, …).
    ///   - applicationName: reported in `pg_stat_activity`; used only when neither the URL nor
    ///     PGAPPNAME sets one, so operators can override it. A connect timeout of
    ///     `defaultConnectTimeoutSeconds` applies the same way.
    ///   - overrides: libpq keywords applied after the URL and winning over it (e.g. `["dbname": "other"]`
    ///     to reach another database on the same server with the same credentials).
    /// - Throws: `PostgresError` with code `.connectionFailed`, one line, password masked.
    public static func connect(
        url: String?, applicationName: String = "eventd", overrides: [String: String] = [:]
    ) throws -> PostgresConnection {
        let target = url ?? ""
        let maskedTarget = target.isEmpty ? "(PG* environment)" : ConnectionStringMasking.masked(target)
        let pairs = try parameters(url: url, applicationName: applicationName, overrides: overrides)

        let handle = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in
                PQconnectdbParams(keywords, values, 1)
            }
        }
        guard let handle else {
            throw PostgresError(code: .connectionFailed, message: "could not connect to \(maskedTarget): out of memory")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            var reason = OneLine.collapse(String(cString: PQerrorMessage(handle)))
            PQfinish(handle)
            // libpq echoes parts of a malformed URL back; never let a password through.
            if !target.isEmpty, reason.contains(target) {
                reason = reason.replacing(target, with: maskedTarget)
            }
            for password in ConnectionStringMasking.passwords(in: target) where password.count >= 3 {
                reason = reason.replacing(password, with: ConnectionStringMasking.mask)
            }
            throw PostgresError(code: .connectionFailed, message: "could not connect to \(maskedTarget): \(reason)")
        }
        return PostgresConnection(handle: handle, maskedTarget: maskedTarget)
    }

    /// libpq keyword/value pairs for `url`, the defaults eventd adds, and `overrides`.
    static func parameters(url: String?, applicationName: String, overrides: [String: String]) throws -> [(String, String)] {
        let target = url ?? ""
        // Order matters: with expand_dbname=1 libpq expands the first "dbname" (our URL) and lets later
        // keywords override what it contained.
        var pairs: [(String, String)] = [("fallback_application_name", applicationName)]
        // libpq waits forever by default; an unreachable host would then stall startup for minutes (TCP
        // retries). The URL (`?connect_timeout=`) or PGCONNECT_TIMEOUT still win over this default.
        if getenv("PGCONNECT_TIMEOUT") == nil { pairs.append(("connect_timeout", String(defaultConnectTimeoutSeconds))) }
        // A server that goes silent (power loss, a partition) closes nothing: without these, a COPY or a
        // COMMIT waits for the kernel's TCP retries, ~15 minutes, while the loader holds its cut and
        // senders wait. Keepalives end an idle wait (a COMMIT's answer) after ~25 s; tcp_user_timeout
        // ends a wait with data unacknowledged (a COPY in flight) after 60 s. The URL may set its own.
        pairs += silentServerDefaults
        if !target.isEmpty { pairs.append(("dbname", target)) }
        for (key, value) in overrides.sorted(by: { $0.key < $1.key }) { pairs.append((key, value)) }
        for (key, value) in pairs where key.utf8.contains(0) || value.utf8.contains(0) {
            throw PostgresError(code: .connectionFailed, message: "connection option \(key) contains a NUL byte")
        }
        return pairs
    }

    /// TCP settings that bound how long a silent server can hold a connection (see `parameters`);
    /// ignored on Unix sockets; the URL's own `keepalives*` / `tcp_user_timeout` win.
    static let silentServerDefaults: [(String, String)] = [
        ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
        ("tcp_user_timeout", "60000"),
    ]

    /// The connect timeout used unless the URL or PGCONNECT_TIMEOUT sets one.
    public static let defaultConnectTimeoutSeconds = 10

    /// Receives the server's notices (RAISE NOTICE, warnings). nil drops them; libpq's default of
    /// printing to stderr is never used.
    public var noticeHandler: ((PostgresNotice) -> Void)? {
        get { notices.handler }
        set { notices.handler = newValue }
    }

    /// True while the connection is open and healthy as far as libpq knows (no round trip).
    public var isConnected: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// True inside a transaction block (including a failed one waiting for ROLLBACK).
    public var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// True inside a transaction block that a statement error has aborted (only ROLLBACK is accepted).
    public var isTransactionFailed: Bool {
        guard let handle else { return false }
        return PQtransactionStatus(handle) == PQTRANS_INERROR
    }

    /// The server version as an integer, e.g. 150018 for 15.18; 0 when closed.
    public var serverVersion: Int {
        guard let handle else { return 0 }
        return Int(PQserverVersion(handle))
    }

    /// The backend process id serving this connection (for pg_stat_activity / pg_terminate_backend).
    public var backendPID: Int32 {
        guard let handle else { return 0 }
        return PQbackendPID(handle)
    }

    /// The database name in use.
    public var databaseName: String? { handle.flatMap { PQdb($0) }.map { String(cString: $0) } }
    /// The user name in use.
    public var userName: String? { handle.flatMap { PQuser($0) }.map { String(cString: $0) } }
    /// The host (or socket directory) in use.
    public var host: String? { handle.flatMap { PQhost($0) }.map { String(cString: $0) } }
    /// The port in use.
    public var port: String? { handle.flatMap { PQport($0) }.map { String(cString: $0) } }

    /// The value libpq uses for connection option `keyword` (e.g. `tcp_user_timeout`), as `PQconninfo` reports it.
    public func option(_ keyword: String) -> String? {
        guard let handle, let options = PQconninfo(handle) else { return nil }
        defer { PQconninfoFree(options) }
        var option = options
        while let name = option.pointee.keyword {
            if String(cString: name) == keyword { return option.pointee.val.map { String(cString: $0) } }
            option += 1
        }
        return nil
    }

    /// Re-establishes the connection with the same parameters (after a server restart, say).
    /// The notice handler is kept.
    public func reset() throws {
        let handle = try requireHandle()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(
                code: .connectionFailed,
                message: "could not reconnect to \(maskedTarget): \(OneLine.collapse(String(cString: PQerrorMessage(handle))))"
            )
        }
    }

    /// Closes the connection. Further calls throw `.connectionClosed`. Idempotent.
    public func close() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    /// The live handle, or `.connectionClosed`.
    func requireHandle() throws -> OpaquePointer {
        guard let handle else {
            throw PostgresError(code: .connectionClosed, message: "the connection to \(maskedTarget) was closed")
        }
        return handle
    }

    /// libpq's last error message on this connection, one line.
    func lastErrorMessage() -> String {
        guard let handle else { return "connection closed" }
        let message = OneLine.collapse(String(cString: PQerrorMessage(handle)))
        return message.isEmpty ? "unknown libpq error" : message
    }
}

/// Calls `body` with a NULL-terminated array of C strings, freeing them afterwards.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { buffer in
        buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { body($0) }
    }
}

// libpq connections must not be used from two threads at once; keep the type out of Sendable contexts
// so the compiler enforces "one thread at a time" (move it with `sending`, or create it on its thread).
@available(*, unavailable)
extension PostgresConnection: Sendable {}
