import EventdMigrations
import EventdPostgres
import Logging

/// Everything a subcommand needs before it builds anything: the configuration (defaults < file <
/// environment < flags) and the resolved database connection string.
public struct DaemonSettings: Sendable {
    public var config: EventdConfig
    /// `--database-url`, else `EVENTD_DATABASE_URL` (already folded into `config.database.url` by
    /// the environment overrides), else the file's `database.url`; nil lets libpq read PG* variables.
    public var databaseURL: String?

    /// Loads the config file (`--config`, else `EVENTD_CONFIG`, else none) with environment overrides.
    public static func resolve(configPath: String?, environment: [String: String], databaseURLFlag: String?) throws -> DaemonSettings {
        let path = configPath ?? environment["EVENTD_CONFIG"]
        let config = try EventdConfig.load(fileAt: path, environment: environment)
        let url = databaseURLFlag ?? config.database.url
        return DaemonSettings(config: config, databaseURL: url?.isEmpty == true ? nil : url)
    }

    /// Applies command-line flags, the last word on every setting, and validates the result.
    public mutating func applyFlags(tcp: String?, udp: String?, http: String?, admin: String?, logLevel: String?) throws {
        if let tcp { config.sources.tcp.listen = try Self.listen(tcp, flag: "--tcp") }
        if let udp { config.sources.udp.listen = try Self.listen(udp, flag: "--udp") }
        if let http { config.sources.http.listen = try Self.listen(http, flag: "--http") }
        if let admin, let address = try Self.listen(admin, flag: "--admin") { config.admin.listen = address }
        if let logLevel {
            guard let level = LogLevel(rawValue: logLevel) else {
                throw SettingsError("--log-level '\(logLevel)' is not one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            config.log.level = level
        }
    }

    /// `off` or an empty value disables a listener.
    private static func listen(_ text: String, flag: String) throws -> ListenAddress? {
        if text.isEmpty || text == "off" { return nil }
        guard let address = ListenAddress(text) else {
            throw SettingsError("\(flag) '\(text)' is not HOST:PORT (e.g. 127.0.0.1:5170 or [::1]:5170)")
        }
        return address
    }

    /// Opens a connection, or throws a one-line error naming the (password-masked) target.
    public func connect() throws -> PostgresConnection {
        try PostgresConnection.connect(url: databaseURL, applicationName: config.database.applicationName)
    }

    /// Fails fast, with a sentence an operator can act on, when the database is unreachable or has
    /// not been migrated: better a clear exit than a daemon that accepts events it cannot store.
    ///
    /// - Parameter toleratingUnreachable: with a spool, `serve` may start while PostgreSQL is down (events
    ///   are spooled until it is back): an unreachable server is then returned as a warning, not thrown.
    ///   A reachable server without the schema is still refused.
    @discardableResult
    public func checkDatabase(toleratingUnreachable: Bool = false) throws -> String? {
        let connection: PostgresConnection
        do {
            connection = try connect()
        } catch {
            guard toleratingUnreachable else { throw error }
            return "\(error)"
        }
        defer { connection.close() }
        let rows = try connection.query("SELECT to_regclass('analytics.events') IS NOT NULL AS ready")
        guard try rows.first?.bool("ready") == true else {
            throw SettingsError("the database has no analytics.events table: run `eventd migrate` first")
        }
        try checkPrivileges(connection)
        // A schema older than this binary would fail later, in the loader or a rollup; say it now.
        let statuses = try MigrationRunner(connection: connection).status()
        let pending = statuses.filter { $0.state == .pending }.map { String(format: "%03d", $0.version) }
        if !pending.isEmpty {
            throw SettingsError("the database schema is behind this eventd (pending: \(pending.joined(separator: ", "))): run `eventd migrate`")
        }
        let changed = statuses.filter { $0.state == .changed }.map { String(format: "%03d", $0.version) }
        if !changed.isEmpty {
            throw SettingsError("applied migrations differ from this eventd's (\(changed.joined(separator: ", "))): run `eventd migrate --status`")
        }
        return nil
    }

    /// `log.level` as a value a config reload can replace; hand it to `logHandlerFactory(liveLevel:)` and
    /// `EventdDaemon.build(logLevel:)`.
    public func liveLogLevel() -> LiveValue<Logger.Level> {
        LiveValue(Logger.Level(config.log.level))
    }

    /// Log handlers per `[log]`: text lines or JSON objects on standard error. With `liveLevel`, every
    /// handler reads its level from it, so a config reload can change `log.level`.
    public func logHandlerFactory(liveLevel: LiveValue<Logger.Level>? = nil) -> @Sendable (String) -> any LogHandler {
        let level = Logger.Level(config.log.level)
        let json = config.log.format == .json
        return { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            if let liveLevel { return ReloadableLogHandler(wrapping: handler, level: liveLevel) }
            return handler
        }
    }
}

/// A command-line or settings mistake, reported as one line.
public struct SettingsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Logger.Level {
    init(_ level: LogLevel) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
