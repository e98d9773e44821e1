-- Development seed (005): contents, realistic shape, idempotent re-run, no-op outside development.
-- The database under test was migrated with app.environment = development.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(20);

SELECT is((SELECT count(*)::int FROM marketing.leads WHERE id::text LIKE 'a1000000-%'), 6, 'six seed leads');
SELECT cmp_ok((SELECT count(DISTINCT status)::int FROM marketing.leads WHERE id::text LIKE 'a1000000-%'), '>=', 5, 'leads span the funnel (5+ statuses)');
SELECT cmp_ok((SELECT count(DISTINCT source)::int FROM marketing.leads WHERE id::text LIKE 'a1000000-%'), '>=', 5, 'leads come from 5+ sources');
SELECT cmp_ok((SELECT count(*)::int FROM marketing.lead_interactions WHERE id::text LIKE 'b1000000-%'), '>=', 6, 'seed CRM interactions');
SELECT results_eq($$SELECT status::text, count(*)::int FROM onboarding.sessions WHERE id::text LIKE 'c1000000-%' GROUP BY 1 ORDER BY 1$$,
                  $$VALUES ('abandoned', 1), ('completed', 2), ('in_progress', 2)$$,
                  'onboarding journeys: 2 completed, 2 in progress, 1 abandoned');
SELECT ok((SELECT bool_and(progress_percentage = 100) FROM onboarding.sessions WHERE id::text LIKE 'c1000000-%' AND status = 'completed'),
          'completed journeys are at 100 %');
SELECT is((SELECT count(*)::int FROM onboarding.sessions WHERE session_token = 'sess_user_token_123'), 1, 'the README''s session token exists');
SELECT cmp_ok((SELECT count(*)::int FROM onboarding.step_activities a JOIN onboarding.sessions s ON s.id = a.session_id WHERE s.id::text LIKE 'c1000000-%'),
              '>=', 40, 'journeys have step activities');
SELECT cmp_ok((SELECT count(*)::int FROM analytics.events WHERE source_key = 'dev-seed'), '>=', 2500, '2500+ seed events');
SELECT ok((SELECT max(occurred_at) - min(occurred_at) BETWEEN interval '28 days' AND interval '30 days' AND max(occurred_at) <= now()
           FROM analytics.events WHERE source_key = 'dev-seed'),
          'seed events span 30 days of history, none in the future');
SELECT is((SELECT count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date)::int FROM analytics.events WHERE source_key = 'dev-seed'), 30, 'every one of the 30 days has events');
SELECT ok((SELECT avg(n) FILTER (WHERE h BETWEEN 9 AND 11) > 4 * avg(n) FILTER (WHERE h BETWEEN 0 AND 5)
           FROM (SELECT extract(hour FROM occurred_at AT TIME ZONE 'UTC') AS h, count(*) AS n FROM analytics.events WHERE source_key = 'dev-seed' GROUP BY 1) x),
          'hourly pattern: office hours are much busier than nights');
SELECT cmp_ok((SELECT count(DISTINCT type)::int FROM analytics.events WHERE source_key = 'dev-seed'), '>=', 8, 'a realistic mix of event types');
SELECT ok((SELECT sum((properties ->> 'revenue')::numeric) > 0 FROM analytics.events WHERE source_key = 'dev-seed' AND type = 'conversion'), 'conversions carry revenue');
SELECT is((SELECT count(*)::int FROM experiments.experiments WHERE id::text LIKE 'e1000000-%' AND status = 'running'), 3, 'three running A/B tests');
SELECT is((SELECT count(DISTINCT a.experiment_id)::int FROM experiments.assignments a JOIN experiments.experiments e ON e.id = a.experiment_id WHERE e.status = 'running'), 3,
          'every running experiment has assignments');
SELECT results_eq($$SELECT l.status::text, count(DISTINCT a.id)::int, bool_or(t.status = 'approved') FROM whatsapp.accounts a
                    JOIN marketing.leads l ON l.id = a.lead_id JOIN whatsapp.templates t ON t.account_id = a.id GROUP BY 1$$,
                  $$VALUES ('converted', 2, true)$$, 'WhatsApp accounts (with approved templates) belong to the two converted customers');

-- Idempotency: run the seed again exactly as the README does (SET, then the file).
CREATE TEMP TABLE fingerprint AS
SELECT c.oid::regclass::text AS tbl, (xpath('/row/c/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) AS c FROM %s t', c.oid::regclass), false, true, '')))[1]::text AS fp
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'public') AND c.relkind IN ('r', 'p') AND NOT c.relispartition;
SET app.environment = 'development';
\ir ../../Sources/EventdMigrations/SQL/005_seed_data.sql
SELECT is((SELECT count(*)::int FROM fingerprint f
           WHERE f.fp IS DISTINCT FROM (xpath('/row/c/text()', query_to_xml(format('SELECT md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) AS c FROM %s t', f.tbl), false, true, '')))[1]::text),
          0, 're-running the seed on a seeded database changes no table');
SET app.environment = 'production';
DELETE FROM analytics.events WHERE source_key = 'dev-seed';
\ir ../../Sources/EventdMigrations/SQL/005_seed_data.sql
SELECT is((SELECT count(*)::int FROM analytics.events WHERE source_key = 'dev-seed'), 0, 'outside development the seed inserts nothing');
RESET app.environment;
\ir ../../Sources/EventdMigrations/SQL/005_seed_data.sql
SELECT is((SELECT count(*)::int FROM analytics.events WHERE source_key = 'dev-seed'), 0, 'with app.environment unset the seed inserts nothing');

SELECT * FROM finish();
ROLLBACK;
