-- 013: eventd_console, the least-privilege role of eventd's web console (docs/console.md).
--
-- The console only reads, and only what the dashboards and the refusals page show: the rollup tables
-- and views, analytics.metrics, analytics.rejected_events and the rollup watermark. Never the raw
-- events, the CRM tables (leads, sessions, accounts hold personal data) or anything writable. A
-- deployment creates a LOGIN role, grants it eventd_console and points database.read_url at it (on the
-- primary, or on a standby: roles and grants replicate).
--
-- Those tables have RLS forced for everyone but admins (002): the role gets SELECT-only policies of
-- its own rather than eventd_admin, which could write.
DO $console$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eventd_console') THEN
        CREATE ROLE eventd_console NOLOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO eventd_console', current_database());
END
$console$;
COMMENT ON ROLE eventd_console IS 'eventd web console (database.read_url): reads rollups, KPIs, refusals and the rollup watermark; nothing else.';

GRANT USAGE ON SCHEMA analytics, eventd TO eventd_console;
GRANT SELECT ON analytics.event_aggregations, analytics.event_hour_type_totals, analytics.metrics,
    analytics.rejected_events, eventd.rollup_state,
    analytics.events_per_hour_by_type, analytics.lead_funnel_30d, analytics.onboarding_dropoff_7d
    TO eventd_console;

CREATE POLICY event_aggregations_console_read ON analytics.event_aggregations FOR SELECT TO eventd_console USING (true);
CREATE POLICY event_hour_type_totals_console_read ON analytics.event_hour_type_totals FOR SELECT TO eventd_console USING (true);
CREATE POLICY metrics_console_read ON analytics.metrics FOR SELECT TO eventd_console USING (true);
CREATE POLICY rejected_events_console_read ON analytics.rejected_events FOR SELECT TO eventd_console USING (true);
CREATE POLICY rollup_state_console_read ON eventd.rollup_state FOR SELECT TO eventd_console USING (true);
