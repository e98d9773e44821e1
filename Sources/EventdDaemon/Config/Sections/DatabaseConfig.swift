/// `[database]`: which PostgreSQL eventd writes to and how many connections it uses.
public struct DatabaseConfig: Sendable, Equatable {
    /// libpq connection URI or key/value string (`url`, default unset). When unset, the command line resolves
    /// `EVENTD_DATABASE_URL`, then libpq's own `PG*` variables (`PGHOST`, `PGDATABASE`, ...). Leave it unset to
    /// keep the password out of the file (use `~/.pgpass` or `PGPASSWORD`).
    public var url: String? = nil
    /// `application_name` reported to PostgreSQL (`application_name`, default `"eventd"`), shown in
    /// `pg_stat_activity`. Change it to tell several eventd instances apart. At most 63 bytes.
    public var applicationName: String = "eventd"
    /// Connections the loader uses for COPY (`loader_connections`, default 1). One connection keeps inserts
    /// in order and is enough for tens of thousands of events per second; raise it only when the loader, not
    /// PostgreSQL, is the bottleneck. 1...64.
    public var loaderConnections: Int = 1

    /// The defaults above.
    public init() {}
}
