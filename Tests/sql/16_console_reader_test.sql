-- eventd_console (013): the web console's read role reads what the console shows and nothing else.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(12);

DO $$
BEGIN
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
END $$;

SELECT has_role('eventd_console', 'the console role exists');
SELECT ok(NOT (SELECT rolcanlogin OR rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = 'eventd_console'),
          'eventd_console cannot log in by itself, bypass RLS or act as superuser');

-- Known rows, written as the owner.
INSERT INTO analytics.rejected_events (transport, reason, detail, raw, raw_size, source_key)
VALUES ('http', 'invalid_json', 'console test', '\x3c7363726970743e'::bytea, 8, 'console-test');
INSERT INTO analytics.metrics (metric_name, bucket_width, bucket_start, dimensions, value)
VALUES ('console.test', 'day', date_trunc('day', now(), 'UTC'), '{}', 7);
INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count)
VALUES ('hour', date_trunc('hour', now(), 'UTC'), 'track', 'console_test', 'http', 3);

SET ROLE eventd_console;
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE source_key = 'console-test'), 1,
          'it reads refusals (RLS lets it)');
SELECT is((SELECT value::int FROM analytics.metrics WHERE metric_name = 'console.test'), 7, 'it reads analytics.metrics');
SELECT is((SELECT event_count::int FROM analytics.event_aggregations WHERE name = 'console_test'), 3, 'it reads the rollups');
SELECT lives_ok('SELECT * FROM analytics.events_per_hour_by_type, analytics.lead_funnel_30d, analytics.onboarding_dropoff_7d LIMIT 1',
                'it reads the dashboard views');
SELECT lives_ok('SELECT watermark FROM eventd.rollup_state', 'it reads the rollup watermark');
SELECT throws_ok('SELECT count(*) FROM analytics.events', '42501', NULL, 'raw events are not its to read');
SELECT throws_ok('SELECT count(*) FROM marketing.leads', '42501', NULL, 'nor the CRM tables');
SELECT throws_ok($$DELETE FROM analytics.rejected_events WHERE source_key = 'console-test'$$, '42501', NULL, 'it cannot delete refusals');
SELECT throws_ok($$UPDATE analytics.metrics SET value = 0 WHERE metric_name = 'console.test'$$, '42501', NULL, 'it cannot change KPIs');
SELECT throws_ok('SELECT analytics.run_rollups()', '42501', NULL, 'it cannot run the rollup');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
