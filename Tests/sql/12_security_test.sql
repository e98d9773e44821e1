-- Issue #14's findings, one block each, as the probe ran them (roles emulated as Supabase does:
-- SET ROLE plus request.jwt.claims / app.session_token / app.client_ip).  Every check here failed on
-- the schema of 001-009 and passes with 010_security_hardening.sql.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(46);

-- pgTAP's result tables must be writable by the roles we switch to.
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
END $$;

-- ===================================================================== 1. least privilege
SELECT is((SELECT count(*)::int
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           CROSS JOIN (VALUES ('anon'), ('authenticated'), ('service_role'), ('eventd_admin')) AS r(role)
           CROSS JOIN (VALUES ('TRIGGER'), ('TRUNCATE'), ('REFERENCES')) AS p(priv)
           WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd', 'public')
             AND c.relkind IN ('r', 'p', 'v') AND c.relname NOT LIKE 'pg\_%'
             AND has_table_privilege(r.role, c.oid, p.priv)), 0,
          'no client role holds TRIGGER, TRUNCATE or REFERENCES on any table');
SET ROLE service_role;
SELECT throws_ok($$CREATE FUNCTION pg_temp.probe() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'$$,
                 '42501', NULL, 'service_role cannot create objects in pg_temp (no TEMP)');
SELECT throws_ok($$CREATE TRIGGER probe BEFORE UPDATE ON onboarding.sessions FOR EACH ROW EXECUTE FUNCTION public.set_updated_at()$$,
                 '42501', NULL, 'service_role cannot put a trigger on a table a SECURITY DEFINER function writes');
SELECT throws_ok($$TRUNCATE public.audit_log$$, '42501', NULL, 'service_role cannot TRUNCATE the audit trail');
RESET ROLE;
SELECT ok(NOT has_database_privilege('anon', current_database(), 'TEMP')
          AND NOT has_database_privilege('authenticated', current_database(), 'TEMP')
          AND NOT has_database_privilege('service_role', current_database(), 'TEMP'),
          'the API roles cannot create temporary objects');
SELECT is((SELECT count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname IN ('public', 'marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd')
             AND p.prosecdef
             AND NOT coalesce((SELECT bool_or(c ~ '^search_path=.*pg_temp$') FROM unnest(p.proconfig) c), false)), 0,
          'every SECURITY DEFINER function has pg_temp last in its search_path');

-- ===================================================================== fixtures (as owner)
INSERT INTO marketing.leads (id, email, first_name, metadata, tags, ip_address) VALUES
    ('00000000-0000-4000-8000-00000000e001', 'karen@brightsmile-dental.example', 'Karen', '{"plan": "basic"}', '{original}', '198.51.100.7'),
    ('00000000-0000-4000-8000-00000000e002', 'attacker@evil.example', 'Mallory', '{}', '{}', NULL);
INSERT INTO onboarding.sessions (id, session_token, lead_id, user_id, business_info) VALUES
    ('00000000-0000-4000-8000-00000000e101', 'sess_karen_0001', '00000000-0000-4000-8000-00000000e001',
     '00000000-0000-4000-8000-00000000e0aa', '{"email": "karen@brightsmile-dental.example"}');
INSERT INTO marketing.lead_interactions (lead_id, interaction_type, content)
VALUES ('00000000-0000-4000-8000-00000000e001', 'note', 'call karen@brightsmile-dental.example on Monday');
UPDATE experiments.experiments SET status = 'running', starts_at = now() - interval '1 day' WHERE key = 'homepage_hero_cta';
SELECT count(*) AS n FROM auto_assign_experiments('00000000-0000-4000-8000-00000000e0aa', NULL, 'DE') \gset

-- ===================================================================== 2. GDPR erasure
SET ROLE anon;
SELECT set_config('app.session_token', 'sess_mallory_0001', true) AS _ \gset
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token, user_id, business_info)
                   VALUES ('sess_mallory_0001', '00000000-0000-4000-8000-00000000e0aa', '{"email": "attacker@evil.example"}')$$,
                 '42501', NULL, 'anon cannot write someone''s user_id into its session');
SELECT lives_ok($$INSERT INTO onboarding.sessions (session_token, business_info) VALUES ('sess_mallory_0001', '{"email": "attacker@evil.example"}')$$,
                'anon can still start its own session');
RESET ROLE;
SET ROLE service_role;
SELECT throws_ok($$SELECT gdpr_delete_user_data('.')$$, '22023', NULL, 'erasure validates its argument (''.'' is no address)');
SELECT throws_ok($$SELECT gdpr_delete_user_data('%')$$, '22023', NULL, '... nor is ''%''');
SELECT lives_ok($$SELECT gdpr_delete_user_data('attacker@evil.example')$$, 'service_role erases the attacker''s own address');
SELECT lives_ok($$SELECT gdpr_delete_user_data('en@brightsmile-dental.example')$$, 'service_role erases an address that is a suffix of another');
RESET ROLE;
SELECT results_eq($$SELECT (SELECT count(*)::int FROM marketing.leads WHERE email = 'karen@brightsmile-dental.example'),
                           (SELECT count(*)::int FROM onboarding.sessions WHERE session_token = 'sess_karen_0001'),
                           (SELECT count(*)::int FROM marketing.lead_interactions WHERE lead_id = '00000000-0000-4000-8000-00000000e001'),
                           (SELECT count(*)::int FROM experiments.assignments WHERE user_id = '00000000-0000-4000-8000-00000000e0aa')$$,
                  'VALUES (1, 1, 1, ' || :n || ')',
                  'neither erasure touched Karen: her lead, session, interaction and assignments are all there');
SELECT is((SELECT count(*)::int FROM marketing.leads WHERE email = 'attacker@evil.example'), 0, 'the attacker''s own lead is gone');
SELECT ok((SELECT (new_data -> 'deleted') ? 'marketing.leads' AND NOT (new_data::text LIKE '%evil.example%')
           FROM public.audit_log WHERE operation = 'GDPR_ERASURE' ORDER BY id DESC LIMIT 1),
          'the erasure is audited with its counts and without the address');
SET ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-00000000e0bb", "role": "authenticated", "app_metadata": {"role": "admin"}}', true) AS _ \gset
SELECT throws_ok($$SELECT gdpr_delete_user_data('karen@brightsmile-dental.example')$$, '42501', NULL,
                 'a JWT admin over PostgREST cannot run erasure (staff and service only)');
RESET ROLE;
SELECT set_config('request.jwt.claims', '', true) AS _ \gset

-- ===================================================================== 3. auto_assign_experiments
SET ROLE anon;
SELECT set_config('app.session_token', 'sess_mallory_0001', true) AS _ \gset
SELECT throws_ok($$SELECT * FROM auto_assign_experiments('00000000-0000-4000-8000-00000000e0aa', NULL, 'DE')$$, '42501', NULL,
                 'anon cannot read another user''s assignments');
SELECT throws_ok($$SELECT * FROM auto_assign_experiments(NULL, 'sess_karen_0001', 'DE')$$, '42501', NULL,
                 'anon cannot name another session');
SELECT throws_ok($$SELECT * FROM auto_assign_experiments('00000000-0000-4000-8000-00000000e0cc', 'sess_mallory_0001', 'DE')$$, '42501', NULL,
                 'anon cannot re-key its session''s assignments to a user id');
SELECT lives_ok($$SELECT * FROM auto_assign_experiments(NULL, 'sess_mallory_0001', 'DE')$$, 'anon gets its own session''s variants');
RESET ROLE;
SET ROLE authenticated;
SELECT set_config('request.jwt.claims', '{"sub": "00000000-0000-4000-8000-00000000e0bb", "role": "authenticated"}', true) AS _ \gset
SELECT throws_ok($$SELECT * FROM auto_assign_experiments('00000000-0000-4000-8000-00000000e0aa', NULL, 'DE')$$, '42501', NULL,
                 'user B cannot read user A''s assignments');
SELECT lives_ok($$SELECT * FROM auto_assign_experiments('00000000-0000-4000-8000-00000000e0bb', NULL, 'DE')$$, 'user B gets their own');
RESET ROLE;
SELECT set_config('request.jwt.claims', '', true) AS _ \gset
SELECT is((SELECT count(*)::int FROM experiments.assignments WHERE user_id = '00000000-0000-4000-8000-00000000e0cc'), 0,
          'no assignment was written for an id the caller does not own');

-- ===================================================================== 4. the public lead form
SET ROLE anon;
SELECT set_config('app.client_ip', '203.0.113.10', true) AS _ \gset
SELECT lives_ok($$INSERT INTO marketing.leads (email, consent_marketing, consent_version, tags, metadata, ip_address, user_agent)
                  VALUES ('karen@brightsmile-dental.example', true, 'forged-v9', '{attacker}', '{"plan": "hijacked"}', '192.0.2.66', 'evil/1.0')$$,
                'anon resubmits a known email (accepted, as any submission)');
RESET ROLE;
SELECT results_eq($$SELECT consent_marketing, consent_version, tags, metadata ->> 'plan', host(ip_address), user_agent, submission_count
                    FROM marketing.leads WHERE email = 'karen@brightsmile-dental.example'$$,
                  $$VALUES (false, NULL::text, '{original}'::text[], 'basic', '198.51.100.7', NULL::text, 1)$$,
                  'the resubmission changed nothing: consent, tags, metadata, IP and user agent are Karen''s');
SELECT is((SELECT count(*)::int FROM marketing.lead_interactions WHERE lead_id = '00000000-0000-4000-8000-00000000e001'
           AND interaction_type = 'form_submission'), 1, '... it only added an interaction');
SET ROLE anon;
SELECT throws_ok($$INSERT INTO marketing.leads (email, status, converted_at) VALUES ('karen@brightsmile-dental.example', 'converted', now())$$,
                 '42501', 'new row violates row-level security policy for table "leads"', 'status=converted for a known email is refused ...');
SELECT throws_ok($$INSERT INTO marketing.leads (email, status, converted_at) VALUES ('nobody.known@example.com', 'converted', now())$$,
                 '42501', 'new row violates row-level security policy for table "leads"', '... exactly as for an unknown one');
RESET ROLE;
SELECT is((SELECT status::text FROM marketing.leads WHERE email = 'karen@brightsmile-dental.example'), 'new', 'Karen''s status is untouched');

-- ===================================================================== 5. the lead rate limit
SET ROLE anon;
SELECT set_config('app.client_ip', '203.0.113.20', true) AS _ \gset
SELECT set_config('eventd.lead_rate_limit_ip', '3', true) AS _ \gset
SELECT lives_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('rl1@example.com', '192.0.2.1'), ('rl2@example.com', NULL), ('rl3@example.com', '192.0.2.3')$$,
                'three submissions from one client address, whatever their ip_address column says');
SELECT throws_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('rl4@example.com', '192.0.2.4')$$, 'PT429', NULL,
                 'the fourth is refused: varying or omitting ip_address does not reset the bucket');
SELECT set_config('eventd.lead_rate_limit_ip', '100', true) AS _ \gset
SELECT set_config('app.client_ip', '203.0.113.30', true) AS _ \gset
SELECT lives_ok($$INSERT INTO marketing.leads (email) SELECT 'victim@example.com' FROM generate_series(1, 5)$$,
                'an attacker submits the victim''s address five times');
SELECT throws_ok($$INSERT INTO marketing.leads (email) VALUES ('victim@example.com')$$, 'PT429', NULL, '... and is throttled');
SELECT set_config('app.client_ip', '198.51.100.99', true) AS _ \gset
SELECT lives_ok($$INSERT INTO marketing.leads (email) VALUES ('victim@example.com')$$,
                'the victim, from their own address, is not locked out');
RESET ROLE;

-- ===================================================================== 6. the audit trail cannot be switched off
SET ROLE anon;
SELECT set_config('app.session_token', 'sess_quiet_0001', true) AS _ \gset
INSERT INTO onboarding.sessions (session_token) VALUES ('sess_quiet_0001');
SELECT set_config('eventd.maintenance', 'retention', true) AS _ \gset
UPDATE onboarding.sessions SET business_info = '{"company": "quiet"}' WHERE session_token = 'sess_quiet_0001';
RESET ROLE;
SELECT is((SELECT count(*)::int FROM public.audit_log WHERE table_name = 'sessions' AND operation = 'UPDATE'
           AND new_data ->> 'session_token' = 'sess_quiet_0001'), 1,
          'an anon update under eventd.maintenance = retention is audited');
SET ROLE eventd_admin;
SELECT set_config('eventd.maintenance', 'gdpr_erasure', true) AS _ \gset
UPDATE marketing.leads SET score = 42 WHERE email = 'karen@brightsmile-dental.example';
RESET ROLE;
SELECT ok((SELECT NOT (new_data ? 'redacted') AND new_data ->> 'score' = '42' FROM public.audit_log
           WHERE table_name = 'leads' AND operation = 'UPDATE' ORDER BY id DESC LIMIT 1),
          'an admin edit under eventd.maintenance = gdpr_erasure is audited in full, not redacted');
DELETE FROM eventd.rollup_retractions;
SET ROLE service_role;
SELECT set_config('eventd.maintenance', 'retention', true) AS _ \gset
INSERT INTO analytics.events (type, name, original_timestamp) VALUES ('track', 'sec_dirty_probe', now());
DELETE FROM analytics.events WHERE name = 'sec_dirty_probe';
RESET ROLE;
SELECT is((SELECT count(*)::int FROM eventd.rollup_retractions WHERE name = 'sec_dirty_probe'), 1,
          'a delete under a self-set eventd.maintenance = retention is still logged for the rollup to subtract (011)');
SELECT set_config('eventd.maintenance', '', true) AS _ \gset
RESET ROLE;
SELECT ok(NOT eventd.in_maintenance('retention'), 'eventd.in_maintenance() is false outside the maintenance functions');

-- ===================================================================== 10. storage abuse, FK oracle
SET ROLE anon;
SELECT set_config('app.client_ip', '203.0.113.40', true) AS _ \gset
SELECT throws_ok($$INSERT INTO marketing.leads (email, metadata) VALUES ('big@example.com', jsonb_build_object('blob', repeat('x', 5000000)))$$,
                 '23514', NULL, 'a 5 MB lead metadata is refused');
SELECT set_config('app.session_token', 'sess_big_0001', true) AS _ \gset
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token, business_info) VALUES ('sess_big_0001', jsonb_build_object('blob', repeat('x', 100000)))$$,
                 '23514', NULL, 'an oversized session business_info is refused');
SELECT set_config('app.session_token', 'sess_probe_0001', true) AS _ \gset
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token, lead_id) VALUES ('sess_probe_0001', '00000000-0000-4000-8000-00000000e001')$$,
                 '42501', 'onboarding.sessions.lead_id is set by staff, not through the public API', 'a session naming an existing lead ...');
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token, lead_id) VALUES ('sess_probe_0001', '00000000-0000-4000-8000-0000000fffff')$$,
                 '42501', 'onboarding.sessions.lead_id is set by staff, not through the public API', '... and one naming no lead get the same answer');
RESET ROLE;

-- ===================================================================== 9. eventd's roles
SELECT ok((SELECT count(*) = 3 FROM pg_roles WHERE rolname IN ('eventd_ingest', 'eventd_rollup', 'eventd_maintenance') AND NOT rolcanlogin),
          'eventd_ingest, eventd_rollup and eventd_maintenance exist (NOLOGIN, granted to a login)');
SELECT ok(has_table_privilege('eventd_ingest', 'analytics.events', 'INSERT')
          AND has_table_privilege('eventd_ingest', 'analytics.rejected_events', 'INSERT')
          AND has_table_privilege('eventd_ingest', 'analytics.untimed_event_ids', 'INSERT')
          AND has_database_privilege('eventd_ingest', current_database(), 'TEMP'),
          'eventd_ingest may COPY into its three tables and stage in pg_temp');
SELECT ok(NOT has_table_privilege('eventd_ingest', 'analytics.events', 'UPDATE, DELETE, TRUNCATE')
          AND NOT has_table_privilege('eventd_ingest', 'marketing.leads', 'SELECT')
          AND NOT has_function_privilege('eventd_ingest', 'public.gdpr_delete_user_data(text)', 'EXECUTE')
          AND NOT has_function_privilege('eventd_ingest', 'analytics.run_rollups(interval, analytics.bucket_width[])', 'EXECUTE'),
          'eventd_ingest may do nothing else (no update/delete, no business tables, no rollups or erasure)');
SELECT ok(has_function_privilege('eventd_rollup', 'analytics.run_rollups(interval, analytics.bucket_width[])', 'EXECUTE')
          AND has_function_privilege('eventd_maintenance', 'public.cleanup_old_data(interval, interval)', 'EXECUTE')
          AND NOT has_function_privilege('eventd_rollup', 'public.cleanup_old_data(interval, interval)', 'EXECUTE'),
          'rollups and maintenance are separate grants');

SELECT * FROM finish();
ROLLBACK;
