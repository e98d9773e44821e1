/// `[database]`: which PostgreSQL eventd writes to.
public struct DatabaseConfig: Sendable, Equatable {
    /// libpq connection URI or key/value string (`url`, default unset). When unset, the command line resolves
    /// `EVENTD_DATABASE_URL`, then libpq's own `PG*` variables (`PGHOST`, `PGDATABASE`, ...). Leave it unset to
    /// keep the password out of the file (use `~/.pgpass` or `PGPASSWORD`).
    public var url: String? = nil
    /// `application_name` reported to PostgreSQL (`application_name`, default `"eventd"`), shown in
    /// `pg_stat_activity`. Change it to tell several eventd instances apart. At most 63 bytes.
    public var applicationName: String = "eventd"
    /// Where read-only work goes (`read_url`, default unset: the write connection's `url`): a standby, or the
    /// primary as a role that may only read. Also libpq's multi-host form. Today the console reads through it;
    /// rollups and maintenance write, so they stay on `url`.
    public var readURL: String? = nil

    /// The defaults above.
    public init() {}
}
