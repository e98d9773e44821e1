-- Business functions and triggers: lead dedup + rate limit, onboarding progress/advance/abandon,
-- experiment assignment, rollup exactness, partitions, retention.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(57);

-- ====================================================================== leads
SELECT lives_ok($$INSERT INTO marketing.leads (email, source) VALUES ('  Dup.Person@Example.COM ', 'website-form')$$, 'first submission inserts');
SELECT is((SELECT email FROM marketing.leads WHERE email LIKE 'dup.person%'), 'dup.person@example.com', 'email stored lower-cased and trimmed');
SELECT lives_ok($$INSERT INTO marketing.leads (email, company_name, source, consent_marketing, metadata)
                  VALUES ('dup.person@example.com', 'Dup Corp', 'landing-page', true, '{"plan": "pro"}')$$,
                'second submission of the same email succeeds (merged, no unique violation)');
SELECT results_eq($$SELECT count(*)::int, max(submission_count), max(company_name), bool_and(consent_marketing), max(metadata ->> 'plan')
                    FROM marketing.leads WHERE lower(email) = 'dup.person@example.com'$$,
                  $$VALUES (1, 2, 'Dup Corp', true, 'pro')$$,
                  'the duplicate merged into one row: count bumped, gaps filled, consent recorded');
SELECT is((SELECT count(*)::int FROM marketing.lead_interactions i JOIN marketing.leads l ON l.id = i.lead_id
           WHERE l.email = 'dup.person@example.com' AND i.interaction_type = 'form_submission'), 1,
          'the merge is logged as a form_submission interaction');
SELECT lives_ok($$INSERT INTO marketing.leads (email, company_name, source) VALUES ('user@company.com', 'Company Inc', 'website-form');
                  INSERT INTO marketing.leads (email, company_name, source) VALUES ('user@company.com', 'Company Inc', 'website-form')$$,
                'the README lead INSERT run twice succeeds');
SELECT is((SELECT count(*)::int FROM marketing.leads WHERE email = 'user@company.com'), 1, '... and leaves one row');

-- Rate limit: pgTAP result tables must be writable by anon.
DO $$
BEGIN
    EXECUTE format('GRANT ALL ON ALL TABLES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
    EXECUTE format('GRANT ALL ON ALL SEQUENCES IN SCHEMA %I TO PUBLIC', (SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()));
END $$;
SET ROLE anon;
SELECT lives_ok($$INSERT INTO marketing.leads (email, ip_address) SELECT 'rate.limited@example.com', '192.0.2.200' FROM generate_series(1, 5)$$,
                'anon: five submissions of one email within the window are accepted');
SELECT throws_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('rate.limited@example.com', '192.0.2.201')$$,
                 'PT429', 'lead submission rate limit exceeded: at most 5 submissions per 00:10:00 from one email address',
                 'anon: the sixth submission of the email is refused with SQLSTATE PT429 and a clear message');
-- The IP bucket counts the address the API layer vouches for (app.client_ip), never the ip_address column (010).
SELECT set_config('app.client_ip', '192.0.2.250', true) AS _ \gset
SELECT set_config('eventd.lead_rate_limit_ip', '3', true) AS _ \gset
SELECT lives_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('ip1@example.com', '192.0.2.250'), ('ip2@example.com', '192.0.2.250'), ('ip3@example.com', '192.0.2.250')$$,
                'anon: three leads from one IP are accepted (limit lowered to 3)');
SELECT throws_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('ip4@example.com', '192.0.2.250')$$, 'PT429', NULL,
                 'anon: the fourth lead from the same IP is refused');
RESET ROLE;
SELECT lives_ok($$INSERT INTO marketing.leads (email, ip_address) VALUES ('ip5@example.com', '192.0.2.250')$$,
                'trusted roles (owner/service_role) are not throttled');
SELECT is((SELECT count(*)::int FROM marketing.lead_rate_limits WHERE bucket_key LIKE '%@%' OR bucket_key LIKE '%192.0.2%'), 0,
          'rate-limit counters hold only hashes, never the email or IP');

-- ====================================================================== onboarding
INSERT INTO onboarding.sessions (id, session_token, started_at, last_activity_at)
VALUES ('00000000-0000-4000-8000-0000000000c1', 'sess_progress_test', now() - interval '1 hour', now() - interval '1 hour');
SELECT is((SELECT progress_percentage::int FROM onboarding.sessions WHERE session_token = 'sess_progress_test'), 0, 'new session has 0 %');
UPDATE onboarding.sessions SET business_info_completed_at = now() WHERE session_token = 'sess_progress_test';
SELECT results_eq($$SELECT progress_percentage::int, current_step::text, last_activity_at = now() FROM onboarding.sessions WHERE session_token = 'sess_progress_test'$$,
                  $$VALUES (20, 'whatsapp_connection', true)$$,
                  'completing the current step: 20 %, auto-advanced to the next step, activity stamped');
UPDATE onboarding.sessions SET current_step = 'templates' WHERE session_token = 'sess_progress_test';
SELECT is((SELECT current_step::text FROM onboarding.sessions WHERE session_token = 'sess_progress_test'), 'templates',
          'an explicitly chosen, not yet completed step is kept');
INSERT INTO onboarding.step_activities (session_id, step, activity_type) VALUES ('00000000-0000-4000-8000-0000000000c1', 'templates', 'step_completed');
SELECT results_eq($$SELECT progress_percentage::int, current_step::text, templates_completed_at IS NOT NULL FROM onboarding.sessions WHERE session_token = 'sess_progress_test'$$,
                  $$VALUES (40, 'go_live', true)$$,
                  'a step_completed activity stamps the step, raises progress and advances to the next incomplete step');
UPDATE onboarding.sessions SET go_live_completed_at = now() WHERE session_token = 'sess_progress_test';
SELECT is((SELECT current_step::text FROM onboarding.sessions WHERE session_token = 'sess_progress_test'), 'whatsapp_connection',
          'after the last step, advancement wraps to the first incomplete step');
UPDATE onboarding.sessions SET whatsapp_connection_completed_at = now(), bot_setup_completed_at = now() WHERE session_token = 'sess_progress_test';
SELECT results_eq($$SELECT progress_percentage::int, status::text, completed_at IS NOT NULL FROM onboarding.sessions WHERE session_token = 'sess_progress_test'$$,
                  $$VALUES (100, 'completed', true)$$, 'all steps completed: 100 % and status completed');
SELECT lives_ok($$UPDATE onboarding.sessions SET current_step = 'bot_setup', business_info_completed_at = NOW() WHERE session_token = 'sess_user_token_123'$$,
                'README session progress update runs as written');

-- abandonment
INSERT INTO onboarding.sessions (session_token, started_at, last_activity_at) VALUES
    ('sess_idle_3h_0001', now() - interval '4 hours', now() - interval '3 hours'),
    ('sess_idle_1h_0001', now() - interval '4 hours', now() - interval '1 hour');
CREATE TEMP TABLE expect_abandon AS
SELECT count(*)::int AS n FROM onboarding.sessions WHERE status = 'in_progress' AND last_activity_at < now() - interval '2 hours';
SELECT is(abandon_inactive_sessions(), (SELECT n FROM expect_abandon), 'abandon_inactive_sessions() returns the number of idle sessions');
SELECT results_eq($$SELECT session_token::text, status::text, abandoned_at IS NOT NULL FROM onboarding.sessions WHERE session_token LIKE 'sess_idle_%' ORDER BY 1$$,
                  $$VALUES ('sess_idle_1h_0001', 'in_progress', false), ('sess_idle_3h_0001', 'abandoned', true)$$,
                  'sessions idle > 2 hours are abandoned, others untouched');
SELECT is(abandon_inactive_sessions(), 0, 'a second run abandons nothing');
UPDATE onboarding.sessions SET business_info_completed_at = now() WHERE session_token = 'sess_idle_3h_0001';
SELECT is((SELECT status::text FROM onboarding.sessions WHERE session_token = 'sess_idle_3h_0001'), 'in_progress',
          'new progress on an abandoned session resumes it');

-- ====================================================================== experiments
UPDATE experiments.experiments SET status = 'paused' WHERE status = 'running';
INSERT INTO experiments.experiments (key, name, status, variants, traffic_allocation, target_countries, starts_at) VALUES
    ('t_all', 'all traffic', 'running', '[{"key": "a", "weight": 50}, {"key": "b", "weight": 50}]', 100, NULL, now() - interval '1 day'),
    ('t_thirty', '30 % traffic', 'running', '[{"key": "a", "weight": 1}, {"key": "b", "weight": 3}]', 30, NULL, now() - interval '1 day'),
    ('t_us', 'US only', 'running', '[{"key": "a", "weight": 50}, {"key": "b", "weight": 50}]', 100, ARRAY['US'], now() - interval '1 day'),
    ('t_future', 'not started', 'running', '[{"key": "a", "weight": 50}, {"key": "b", "weight": 50}]', 100, NULL, now() + interval '1 day');
CREATE TEMP TABLE first_run AS
SELECT n, (a).* FROM generate_series(1, 2000) AS n,
     LATERAL (SELECT auto_assign_experiments(user_id := md5('t-user-' || n)::uuid, session_id := 't_sess_' || n,
                                            country := CASE WHEN n % 4 = 0 THEN 'US' ELSE 'DE' END) AS a) x;
SELECT is((SELECT count(*)::int FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_all'), 2000,
          '100 % allocation: every user is assigned');
SELECT ok((SELECT count(*) BETWEEN 540 AND 660 FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_thirty'),
          '30 % allocation: about 30 % of users are assigned');
SELECT ok((SELECT bool_and(f.bucket < 3000) FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_thirty'),
          'only subjects whose hash bucket is below the allocation enter');
SELECT ok((SELECT count(*) FILTER (WHERE variant = 'b')::numeric / count(*) BETWEEN 0.68 AND 0.82 FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_thirty'),
          'variant weights 1:3 are respected');
SELECT ok((SELECT count(*) FILTER (WHERE variant = 'a')::numeric / count(*) BETWEEN 0.45 AND 0.55 FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_all'),
          'a 50/50 split is balanced');
SELECT results_eq($$SELECT count(*)::int, bool_and(f.country = 'US') FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_us'$$,
                  $$VALUES (500, true)$$, 'country targeting: exactly the US users are assigned');
SELECT is((SELECT count(*)::int FROM first_run f JOIN experiments.experiments e ON e.id = f.experiment_id WHERE e.key = 't_future'), 0,
          'experiments that have not started assign nobody');
UPDATE experiments.experiments SET traffic_allocation = 100, variants = '[{"key": "a", "weight": 99}, {"key": "b", "weight": 1}]' WHERE key = 't_thirty';
SELECT is((SELECT count(*)::int FROM first_run f
           JOIN LATERAL (SELECT (auto_assign_experiments(md5('t-user-' || f.n)::uuid, 't_sess_' || f.n, 'DE')).*) again
             ON again.experiment_id = f.experiment_id
           WHERE f.n <= 200 AND (again.id <> f.id OR again.variant <> f.variant)), 0,
          'assignments are sticky even after weights/allocation change');
UPDATE experiments.experiments SET variants = '[{"key": "a", "weight": 1}, {"key": "b", "weight": 3}]', traffic_allocation = 30 WHERE key = 't_thirty';
DELETE FROM experiments.assignments WHERE user_id IN (SELECT md5('t-user-' || n)::uuid FROM generate_series(1, 100) n);
SELECT bag_eq($$SELECT n, (a).experiment_id, (a).variant, (a).bucket FROM generate_series(1, 100) AS n,
                LATERAL auto_assign_experiments(md5('t-user-' || n)::uuid, 't_sess_' || n, CASE WHEN n % 4 = 0 THEN 'US' ELSE 'DE' END) AS a$$,
              $$SELECT n, experiment_id, variant, bucket FROM first_run WHERE n <= 100$$,
              'assignment is deterministic: after deleting them, the same subjects get the same variants and buckets again');
SELECT lives_ok($$SELECT * FROM auto_assign_experiments(user_id := NULL, session_id := 'anon_then_user', country := 'DE')$$, 'anonymous session can be assigned');
SELECT is((SELECT count(*)::int FROM auto_assign_experiments(md5('later-user')::uuid, 'anon_then_user', 'DE') a WHERE a.session_id = 'anon_then_user'
           AND a.user_id = md5('later-user')::uuid), 2,
          'when the session signs in, its anonymous assignments carry over to the user');
SELECT throws_ok($$SELECT auto_assign_experiments(NULL::uuid, NULL, 'US')$$, '22004', NULL, 'a subject (user or session) is required');

-- ====================================================================== process_pending_events
CREATE TEMP VIEW expected_rollup AS
SELECT w.w AS bucket_width, date_trunc(w.w::text, e.occurred_at, 'UTC') AS bucket_start, e.type, e.name, e.transport, e.country, e.device_type,
       count(*) AS event_count, count(DISTINCT e.session_id) AS distinct_sessions, count(DISTINCT e.user_id) AS distinct_users,
       coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
       coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum
FROM analytics.events e CROSS JOIN unnest(enum_range(NULL::analytics.bucket_width)) AS w(w)
GROUP BY 1, 2, 3, 4, 5, 6, 7;
CREATE TEMP TABLE events_fingerprint AS SELECT md5(string_agg(e::text, '|' ORDER BY event_id)) AS fp FROM analytics.events e;
SELECT lives_ok($$SELECT process_pending_events()$$, 'process_pending_events() runs');
SELECT bag_eq($$SELECT bucket_width, bucket_start, type, name, transport, country, device_type, event_count, distinct_sessions, distinct_users, value_sum, revenue_sum
                FROM analytics.event_aggregations$$,
              $$SELECT * FROM expected_rollup$$,
              'event_aggregations equal a GROUP BY over analytics.events for minute, hour and day buckets');
SELECT is((SELECT md5(string_agg(e::text, '|' ORDER BY event_id)) FROM analytics.events e), (SELECT fp FROM events_fingerprint),
          'process_pending_events() did not modify analytics.events');
SELECT ok((SELECT watermark = now() FROM eventd.rollup_state WHERE name = 'analytics.event_aggregations'), 'the watermark advanced');
-- Late data into an already rolled-up bucket, a new dimension value, a string "value" that must be ignored,
-- and a deleted group that must disappear.
INSERT INTO analytics.events (type, name, session_id, user_id, occurred_at, original_timestamp, properties, transport, country, device_type)
VALUES ('conversion', 'subscription_started', 'late_s1', 'late_u1', now() - interval '3 days', now() - interval '3 days', '{"revenue": 149, "value": 2.5}', 'http', 'US', 'desktop'),
       ('conversion', 'subscription_started', 'late_s2', 'late_u1', now() - interval '3 days', now() - interval '3 days', '{"revenue": "n/a", "value": "7"}', 'http', 'US', 'desktop'),
       ('track', 'brand_new_event', NULL, NULL, now() - interval '2 days', now() - interval '2 days', '{}', 'udp', NULL, NULL);
-- The deleted row's bucket is only recomputed when touched: touch it with a new event in the same minute.
WITH gone AS (DELETE FROM analytics.events WHERE event_id = (SELECT event_id FROM analytics.events WHERE name = 'heartbeat' ORDER BY event_id LIMIT 1)
              RETURNING occurred_at, original_timestamp)
INSERT INTO analytics.events (type, name, occurred_at, original_timestamp)
SELECT 'system', 'toucher', occurred_at, original_timestamp FROM gone;
SELECT lives_ok($$SELECT process_pending_events('5 minutes')$$, 'a second run processes the new rows');
SELECT bag_eq($$SELECT bucket_width, bucket_start, type, name, transport, country, device_type, event_count, distinct_sessions, distinct_users, value_sum, revenue_sum
                FROM analytics.event_aggregations$$,
              $$SELECT * FROM expected_rollup$$,
              'after late inserts the touched buckets are recomputed exactly');

-- ====================================================================== partitions
SELECT is(analytics.ensure_event_partitions(), 0, 'ensure_event_partitions() is idempotent (everything exists)');
INSERT INTO analytics.events (event_id, type, name, original_timestamp) VALUES ('00000000-0000-4000-8000-00000000e020', 'track', 'future', now() + interval '20 days');
SELECT is((SELECT tableoid::regclass::text FROM analytics.events WHERE event_id = '00000000-0000-4000-8000-00000000e020'), 'analytics.events_default',
          'an event beyond the partition window lands in the default partition');
SELECT is(analytics.ensure_event_partitions(0, 21), 14, 'extending the window creates the 14 missing daily partitions');
SELECT is((SELECT tableoid::regclass::text FROM analytics.events WHERE event_id = '00000000-0000-4000-8000-00000000e020'),
          format('analytics.events_p%s', to_char(((now() + interval '20 days') AT TIME ZONE 'UTC')::date, 'YYYYMMDD')),
          'the row was moved out of the default partition into its new daily partition');
INSERT INTO analytics.events (event_id, type, name, original_timestamp) VALUES
    ('00000000-0000-4000-8000-00000000e100', 'track', 'very_old', now() - interval '100 days'),
    ('00000000-0000-4000-8000-00000000e089', 'track', 'recent_enough', now() - interval '89 days');
SELECT cmp_ok(analytics.ensure_event_partitions(101, 0), '>=', 70, 'old partitions can be created back to 101 days');
CREATE TEMP TABLE expect_drop AS
SELECT count(*)::int AS n FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'analytics.events'::regclass AND c.relname ~ '^events_p[0-9]{8}$'
  AND (to_date(substr(c.relname, 9), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC' <= now() - interval '90 days';
SELECT is(analytics.drop_event_partitions('90 days'), (SELECT n FROM expect_drop), 'drop_event_partitions returns how many whole-day partitions it dropped');
SELECT results_eq($$SELECT name FROM analytics.events WHERE event_id IN ('00000000-0000-4000-8000-00000000e100', '00000000-0000-4000-8000-00000000e089')$$,
                  $$VALUES ('recent_enough')$$, 'the 100-day-old row went with its partition, the 89-day-old one stayed');

-- ====================================================================== retention
INSERT INTO analytics.events (type, name, original_timestamp) VALUES
    ('track', 'ret_old', now() - interval '90 days' - interval '1 second'),
    ('track', 'ret_keep', now() - interval '90 days' + interval '1 second'),
    ('track', 'ret_default_old', now() - interval '400 days');
INSERT INTO analytics.rejected_events (received_at, transport, reason, raw_size) VALUES
    (now() - interval '91 days', 'udp', 'invalid_json', 10), (now() - interval '89 days', 'udp', 'invalid_json', 10);
INSERT INTO onboarding.step_activities (session_id, step, activity_type, occurred_at) VALUES
    ('00000000-0000-4000-8000-0000000000c1', 'go_live', 'help_opened', now() - interval '91 days'),
    ('00000000-0000-4000-8000-0000000000c1', 'go_live', 'help_opened', now() - interval '89 days');
INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, event_count) VALUES
    ('minute', date_trunc('minute', now() - interval '91 days'), 'track', 'ret', 'sql', 1),
    ('hour', date_trunc('hour', now() - interval '91 days'), 'track', 'ret', 'sql', 1);
CREATE TEMP TABLE before_cleanup AS
SELECT (SELECT count(*) FROM analytics.events WHERE original_timestamp >= now() - interval '90 days') AS events_kept,
       (SELECT count(*) FROM onboarding.step_activities WHERE occurred_at >= now() - interval '90 days') AS activities_kept,
       (SELECT count(*) FROM marketing.leads) AS leads;
SELECT lives_ok($$SELECT * FROM cleanup_old_data()$$, 'cleanup_old_data() runs with its 90-day default');
SELECT is((SELECT count(*)::int FROM analytics.events WHERE original_timestamp < now() - interval '90 days'), 0, 'no event older than the retention is left');
SELECT is((SELECT count(*) FROM analytics.events), (SELECT events_kept FROM before_cleanup), 'every event inside the retention is kept');
SELECT results_eq($$SELECT count(*)::int FROM analytics.rejected_events WHERE received_at < now() - interval '90 days'
                    UNION ALL SELECT count(*)::int FROM analytics.rejected_events WHERE received_at >= now() - interval '90 days'$$,
                  $$VALUES (0), (1)$$, 'rejected events: old gone, recent kept');
SELECT results_eq($$SELECT count(*) FROM onboarding.step_activities$$, $$SELECT activities_kept FROM before_cleanup$$,
                  'step activities: exactly the ones inside the retention remain');
SELECT results_eq($$SELECT bucket_width::text FROM analytics.event_aggregations WHERE name = 'ret'$$, $$VALUES ('hour')$$,
                  'old minute rollups are dropped, hour rollups kept');
SELECT results_eq($$SELECT count(*) FROM marketing.leads$$, $$SELECT leads FROM before_cleanup$$, 'business data (leads) is not touched by retention');
SELECT ok(EXISTS (SELECT 1 FROM public.audit_log WHERE operation = 'RETENTION') AND NOT EXISTS (
              SELECT 1 FROM public.audit_log WHERE table_name = 'step_activities' AND operation = 'DELETE' AND txid = txid_current()),
          'retention writes one summary audit row instead of per-row delete images');

SELECT * FROM finish();
ROLLBACK;
