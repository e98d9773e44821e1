-- Row Level Security, GRANTs, roles and the audit trail: what each role can and cannot do.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(55);

-- ---------------------------------------------------------------- structure
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd', 'public')
             AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             AND c.relname NOT IN ('schema_migrations') AND c.relname NOT LIKE '\_\_%'
             AND NOT c.relrowsecurity), 0,
          'RLS is enabled on every table (partitions inherit the parent''s policies)');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'public')
             AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE '\_\_%' AND c.relrowsecurity), 17,
          'the 11 business tables + rejected_events + audit_log + lead_rate_limits + event_hour_type_totals + untimed_event_ids + event_aggregation_members have RLS');
SELECT ok((SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE oid IN (
              'marketing.leads'::regclass, 'marketing.lead_interactions'::regclass, 'onboarding.sessions'::regclass,
              'onboarding.step_activities'::regclass, 'analytics.metrics'::regclass, 'analytics.event_aggregations'::regclass,
              'analytics.event_hour_type_totals'::regclass,
              'experiments.experiments'::regclass, 'experiments.assignments'::regclass, 'whatsapp.accounts'::regclass,
              'whatsapp.templates'::regclass, 'public.audit_log'::regclass)),
          'FORCE RLS on business, rollup and audit tables');
SELECT ok((SELECT NOT bool_or(relforcerowsecurity) FROM pg_class WHERE oid IN ('analytics.events'::regclass, 'analytics.rejected_events'::regclass)),
          'no FORCE RLS on the daemon''s COPY targets (events, rejected_events)');
SELECT ok((SELECT bool_and(NOT rolcanlogin) FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'eventd_admin')),
          'anon, authenticated, service_role, eventd_admin exist as NOLOGIN roles');
SELECT is((SELECT count(*)::int FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role', 'eventd_admin')), 4,
          'all four roles exist');
SELECT ok((SELECT rolbypassrls FROM pg_roles WHERE rolname = 'service_role'), 'service_role has BYPASSRLS (as on Supabase)');
SELECT ok(pg_has_role(current_user, 'eventd_admin', 'MEMBER'), 'the owner/migrating role counts as admin');

-- ---------------------------------------------------------------- fixtures (as owner)
INSERT INTO onboarding.sessions (id, session_token) VALUES
    ('00000000-0000-4000-8000-00000000a001', 'sess_rls_test_A'),
    ('00000000-0000-4000-8000-00000000b001', 'sess_rls_test_B');
CREATE TEMP TABLE expected AS
SELECT (SELECT count(*) FROM marketing.leads) AS leads, (SELECT count(*) FROM analytics.events) AS events;
GRANT SELECT ON expected TO PUBLIC;
-- pgTAP records results in temp tables created by plan(); let the switched-to roles write them.
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
END $$;

-- ---------------------------------------------------------------- anon
SET ROLE anon;
SELECT lives_ok($$INSERT INTO marketing.leads (email, company_name, source) VALUES ('anon.visitor@example.com', 'Visitor Ltd', 'website-form')$$,
                'anon can insert a lead');
SELECT throws_ok($$SELECT count(*) FROM marketing.leads$$, '42501', NULL, 'anon cannot select leads (not even the one it inserted)');
SELECT throws_ok($$INSERT INTO marketing.leads (email) VALUES ('anon.returning@example.com') RETURNING id$$, '42501', NULL,
                 'anon cannot read back through INSERT ... RETURNING');
SELECT throws_ok($$INSERT INTO marketing.leads (email, status, converted_at) VALUES ('anon.converted@example.com', 'converted', now())$$,
                 '42501', NULL, 'anon may only insert brand-new leads (status new)');
SELECT throws_ok($$UPDATE marketing.leads SET score = 100$$, '42501', NULL, 'anon cannot update leads');
SELECT is((SELECT count(*)::int FROM onboarding.sessions), 0, 'anon without a session token sees no onboarding session');
SELECT set_config('app.session_token', 'sess_rls_test_A', true) AS _ \gset
SELECT results_eq($$SELECT session_token FROM onboarding.sessions$$, $$VALUES ('sess_rls_test_A')$$,
                  'anon with token A sees exactly session A');
SELECT is((SELECT count(*)::int FROM onboarding.sessions WHERE session_token = 'sess_rls_test_B'), 0, 'anon with token A cannot see session B');
SELECT lives_ok($$UPDATE onboarding.sessions SET business_info = '{"company": "A Co"}' WHERE session_token = 'sess_rls_test_A'$$,
                'anon with token A can update session A');
SELECT lives_ok($$UPDATE onboarding.sessions SET business_info = '{"company": "hijack"}' WHERE session_token = 'sess_rls_test_B'$$,
                'anon with token A may attempt to update session B (it silently matches no row; checked below)');
SELECT throws_ok($$UPDATE onboarding.sessions SET session_token = 'sess_rls_stolen_X' WHERE session_token = 'sess_rls_test_A'$$,
                 '42501', NULL, 'anon cannot move its session to another token');
SELECT lives_ok($$INSERT INTO onboarding.step_activities (session_id, step, activity_type) VALUES ('00000000-0000-4000-8000-00000000a001', 'business_info', 'step_viewed')$$,
                'anon can record activities of its own session');
SELECT throws_ok($$INSERT INTO onboarding.step_activities (session_id, step, activity_type) VALUES ('00000000-0000-4000-8000-00000000b001', 'business_info', 'step_viewed')$$,
                 '42501', NULL, 'anon cannot record activities into another session');
SELECT is((SELECT count(*)::int FROM onboarding.step_activities), 1, 'anon sees only its own session''s activities');
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token) VALUES ('sess_rls_someone_else')$$, '42501', NULL,
                 'anon can only create a session for the token it presents');
SELECT set_config('app.session_token', 'sess_rls_test_C', true) AS _ \gset
SELECT lives_ok($$INSERT INTO onboarding.sessions (session_token) VALUES ('sess_rls_test_C')$$, 'anon can start a session with its own token');
SELECT throws_ok($$SELECT count(*) FROM analytics.events$$, '42501', NULL, 'anon cannot read analytics.events');
SELECT throws_ok($$SELECT count(*) FROM analytics.event_aggregations$$, '42501', NULL, 'anon cannot read analytics rollups');
SELECT throws_ok($$INSERT INTO analytics.events (type, name) VALUES ('track', 'anon_write')$$, '42501', NULL, 'anon cannot write analytics.events');
SELECT throws_ok($$SELECT count(*) FROM experiments.experiments$$, '42501', NULL, 'anon cannot read experiments');
SELECT throws_ok($$SELECT count(*) FROM whatsapp.accounts$$, '42501', NULL, 'anon cannot read whatsapp accounts');
SELECT throws_ok($$SELECT count(*) FROM public.audit_log$$, '42501', NULL, 'anon cannot read the audit log');
SELECT throws_ok($$SELECT gdpr_delete_user_data('x@example.com')$$, '42501', NULL, 'anon cannot run GDPR erasure');
SELECT throws_ok($$SELECT cleanup_old_data()$$, '42501', NULL, 'anon cannot run retention');
SELECT lives_ok($$SELECT auto_assign_experiments(user_id := NULL, session_id := 'sess_rls_test_C', country := 'US')$$,
                'anon can ask for its experiment variants (its own session token, 010)');
RESET ROLE;

SELECT is((SELECT count(*)::int FROM marketing.leads WHERE email = 'anon.visitor@example.com'), 1, 'the anon lead was stored');
SELECT is((SELECT business_info ->> 'company' FROM onboarding.sessions WHERE session_token = 'sess_rls_test_B'), NULL,
          'session B was not touched by anon');

-- ---------------------------------------------------------------- authenticated
SET ROLE authenticated;
SELECT set_config('app.session_token', '', true) AS _ \gset
SELECT set_config('app.user_email', 'Sarah.Chen@BrightSmile-Dental.example', true) AS _ \gset
SELECT results_eq($$SELECT email FROM marketing.leads$$, $$VALUES ('sarah.chen@brightsmile-dental.example')$$,
                  'authenticated sees exactly its own lead (app.user_email, case-insensitive)');
SELECT set_config('app.user_email', '', true) AS _ \gset
SELECT set_config('request.jwt.claims', '{"sub": "d1000000-0000-4000-8000-000000000002", "email": "marco.rossi@urbanthreads.example", "role": "authenticated"}', true) AS _ \gset
SELECT results_eq($$SELECT email FROM marketing.leads$$, $$VALUES ('marco.rossi@urbanthreads.example')$$,
                  'authenticated sees its own lead via the JWT email claim');
SELECT is((SELECT count(*)::int FROM analytics.events), 0, 'non-admin authenticated users see no analytics rows');
SELECT is((SELECT count(*)::int FROM onboarding.sessions), 0, 'authenticated without a token sees no onboarding session');
SELECT throws_ok($$INSERT INTO experiments.experiments (key, name) VALUES ('user_made', 'nope')$$, '42501', NULL,
                 'non-admin authenticated users cannot create experiments');
SELECT set_config('request.jwt.claims', '{"sub": "d9999999-0000-4000-8000-000000000009", "role": "authenticated", "app_metadata": {"role": "admin"}}', true) AS _ \gset
SELECT ok(public.is_admin(), 'a JWT with app_metadata.role = admin makes an authenticated request admin');
SELECT is((SELECT count(*) FROM analytics.events), (SELECT events FROM expected), 'a JWT admin sees all analytics events');
SELECT is((SELECT count(*) FROM marketing.leads), (SELECT leads FROM expected) + 1, 'a JWT admin sees all leads');
SELECT set_config('request.jwt.claims', '', true) AS _ \gset
RESET ROLE;

-- ---------------------------------------------------------------- eventd_admin
SET ROLE eventd_admin;
SELECT is((SELECT count(*) FROM analytics.events), (SELECT events FROM expected), 'eventd_admin sees all analytics events');
SELECT ok((SELECT count(*) > 0 FROM public.audit_log), 'eventd_admin can read the audit log');
SELECT throws_ok($$DELETE FROM public.audit_log$$, '42501', NULL, 'not even admins can delete audit rows');
RESET ROLE;

-- ---------------------------------------------------------------- service_role
SET ROLE service_role;
SELECT is((SELECT count(*) FROM marketing.leads), (SELECT leads FROM expected) + 1, 'service_role sees all leads');
SELECT is((SELECT count(*)::int FROM onboarding.sessions WHERE session_token LIKE 'sess_rls_test_%'), 3, 'service_role sees every onboarding session');
SELECT is((SELECT count(*) FROM analytics.events), (SELECT events FROM expected), 'service_role sees all events');
SELECT lives_ok($$INSERT INTO analytics.events (type, name) VALUES ('system', 'service_write')$$, 'service_role can write events');
SELECT lives_ok($$SELECT abandon_inactive_sessions('100 years')$$, 'service_role can run maintenance functions');
RESET ROLE;

-- ---------------------------------------------------------------- audit trail
SELECT ok(EXISTS (SELECT 1 FROM public.audit_log WHERE table_name = 'leads' AND operation = 'INSERT' AND db_user = 'anon'
                  AND new_data ->> 'email' = 'anon.visitor@example.com'),
          'anon''s lead insert is audited with role and new row');
SELECT ok(EXISTS (SELECT 1 FROM public.audit_log WHERE table_name = 'sessions' AND operation = 'UPDATE' AND db_user = 'anon'
                  AND 'business_info' = ANY (changed_columns) AND old_data IS NOT NULL AND new_data IS NOT NULL
                  AND app_identity LIKE 'session:%' AND app_identity NOT LIKE '%sess_rls_test_A%'),
          'session update is audited with old/new rows, changed columns and a hashed session identity');
INSERT INTO analytics.events (type, name) VALUES ('track', 'not_audited');
SELECT is((SELECT count(*)::int FROM public.audit_log WHERE table_schema = 'analytics'), 0, 'analytics tables are not audited (hot path)');
SELECT is((SELECT count(DISTINCT tgrelid)::int FROM pg_trigger WHERE tgname LIKE 'audit\_%' AND NOT tgisinternal), 8,
          'audit triggers cover the 8 business tables');

SELECT * FROM finish();
ROLLBACK;
