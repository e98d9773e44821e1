import EventdPostgres

extension DaemonSettings {
    /// What `eventd serve` needs of its login, checked at start so that a role that may not COPY is
    /// refused with one line naming what is missing, instead of a loader that fails later (it looked
    /// like "PostgreSQL unreachable") and drops unacknowledged events at shutdown.
    /// `eventd_ingest` / `eventd_rollup` / `eventd_maintenance` (010) grant exactly this; docs/security.md.
    func checkPrivileges(_ connection: PostgresConnection) throws {
        var needs: [(String, String)] = [
            ("INSERT on analytics.events", "has_table_privilege('analytics.events', 'INSERT')"),
            ("INSERT on analytics.rejected_events", "has_table_privilege('analytics.rejected_events', 'INSERT')"),
            ("SELECT on analytics.events (staging tables)", "has_table_privilege('analytics.events', 'SELECT')"),
            ("TEMP on the database (staging tables)", "has_database_privilege(current_database(), 'TEMP')"),
            // COPY FROM is refused where RLS applies to the copying role: owner or BYPASSRLS only.
            ("BYPASSRLS (or owning analytics.events)",
             "(SELECT r.rolbypassrls OR pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_roles r, pg_class c "
                + "WHERE r.rolname = current_user AND c.oid = 'analytics.events'::regclass)"),
            ("INSERT on analytics.untimed_event_ids",
             "to_regclass('analytics.untimed_event_ids') IS NULL OR has_table_privilege('analytics.untimed_event_ids', 'INSERT')"),
        ]
        if config.rollup.enabled {
            needs.append(("EXECUTE on analytics.run_rollups (eventd_rollup)",
                          "has_function_privilege('analytics.run_rollups(interval, analytics.bucket_width[])', 'EXECUTE')"))
        }
        if config.maintenance.enabled {
            needs.append(("EXECUTE on public.cleanup_old_data (eventd_maintenance)",
                          "has_function_privilege('public.cleanup_old_data(interval, interval)', 'EXECUTE')"))
        }
        let columns = needs.enumerated().map { "coalesce(\($0.element.1), false) AS p\($0.offset)" }.joined(separator: ", ")
        let rows = try connection.query("SELECT current_user::text AS who, \(columns)")
        guard let row = rows.first else { return }
        let missing = try needs.indices.filter { try row.bool("p\($0)") != true }.map { needs[$0].0 }
        guard !missing.isEmpty else { return }
        let who = row["who"] ?? "this role"
        throw SettingsError(
            "role \(who) may not load events: missing \(missing.joined(separator: ", ")); log in as eventd_ingest, "
                + "or give \(who) BYPASSRLS and the roles eventd_ingest, eventd_rollup, eventd_maintenance (docs/security.md)")
    }
}
