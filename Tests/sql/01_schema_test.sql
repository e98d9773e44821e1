-- Schema shape: schemas, tables, the analytics.events contract, enums, constraints, FKs, comments.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(47);

SELECT ok((SELECT count(*) FROM pg_namespace
           WHERE nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd')) = 6,
          'the five business schemas and eventd exist');

SELECT has_table('marketing', 'leads', 'marketing.leads exists');
SELECT has_table('marketing', 'lead_interactions', 'marketing.lead_interactions exists');
SELECT has_table('onboarding', 'sessions', 'onboarding.sessions exists');
SELECT has_table('onboarding', 'step_activities', 'onboarding.step_activities exists');
SELECT ok(to_regclass('analytics.events') IS NOT NULL, 'analytics.events exists');
SELECT has_table('analytics', 'metrics', 'analytics.metrics exists');
SELECT has_table('analytics', 'event_aggregations', 'analytics.event_aggregations exists');
SELECT has_table('analytics', 'rejected_events', 'analytics.rejected_events exists');
SELECT has_table('experiments', 'experiments', 'experiments.experiments exists');
SELECT has_table('experiments', 'assignments', 'experiments.assignments exists');
SELECT has_table('whatsapp', 'accounts', 'whatsapp.accounts exists');
SELECT has_table('whatsapp', 'templates', 'whatsapp.templates exists');
SELECT has_table('public', 'audit_log', 'public.audit_log exists');
SELECT has_table('eventd', 'rollup_state', 'eventd.rollup_state exists');

-- analytics.events: exact column list, order and types (the daemon COPYs in this order)
SELECT results_eq(
    $$SELECT a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END COLLATE "default"
      FROM pg_attribute a WHERE a.attrelid = 'analytics.events'::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum$$,
    $$VALUES ('event_id uuid NOT NULL'), ('message_id text'), ('type analytics.event_type NOT NULL'), ('name text NOT NULL'),
             ('session_id text'), ('user_id text'), ('anonymous_id text'), ('occurred_at timestamp with time zone NOT NULL'),
             ('original_timestamp timestamp with time zone NOT NULL'), ('sent_at timestamp with time zone'),
             ('received_at timestamp with time zone NOT NULL'), ('properties jsonb NOT NULL'), ('context jsonb NOT NULL'),
             ('transport analytics.transport NOT NULL'), ('source_ip inet'), ('source_key text'), ('user_agent text'),
             ('browser text'), ('os text'), ('device_type text'), ('country text'), ('page_url text'), ('page_path text'),
             ('referrer text'), ('utm_source text'), ('utm_medium text'), ('utm_campaign text'), ('utm_term text'),
             ('utm_content text'), ('click_id text'), ('is_bot boolean NOT NULL'), ('lead_id uuid'),
             ('created_at timestamp with time zone NOT NULL')$$,
    'analytics.events columns match the contract exactly (names, types, order, nullability)');
SELECT results_eq(
    $$SELECT array_agg(a.attname::text COLLATE "default" ORDER BY k.ord) FROM pg_constraint c
      CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
      WHERE c.conrelid = 'analytics.events'::regclass AND c.contype = 'p'$$,
    $$VALUES (ARRAY['event_id', 'original_timestamp'])$$,
    'analytics.events primary key is (event_id, original_timestamp)');
SELECT is((SELECT pg_get_partkeydef('analytics.events'::regclass)), 'RANGE (original_timestamp)',
          'analytics.events is range-partitioned by original_timestamp');
SELECT ok((SELECT c.relispartition AND pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
           FROM pg_class c WHERE c.oid = 'analytics.events_default'::regclass),
          'analytics.events_default is the DEFAULT partition');
SELECT ok(to_regclass(format('analytics.events_p%s', to_char((now() AT TIME ZONE 'UTC')::date, 'YYYYMMDD'))) IS NOT NULL,
          'today''s daily partition exists');
-- (tgtype & 1) = TRIGGER_TYPE_ROW, (tgtype & 4) = TRIGGER_TYPE_INSERT; 011's row trigger fires on DELETE/UPDATE only, never on COPY.
SELECT is((SELECT count(*)::int FROM pg_trigger WHERE tgrelid = 'analytics.events'::regclass AND NOT tgisinternal AND (tgtype & 1) = 1 AND (tgtype & 4) = 4), 0,
          'no INSERT row trigger on analytics.events (hot path)');
SELECT lives_ok($$INSERT INTO analytics.events (type, name) VALUES ('track', 'defaults_check')$$,
                'analytics.events accepts an insert with only type and name (defaults fill the rest)');
SELECT is((SELECT transport::text || '|' || properties::text || '|' || is_bot FROM analytics.events WHERE name = 'defaults_check'),
          'sql|{}|false', 'events defaults: transport sql, properties {}, is_bot false');

SELECT results_eq($$SELECT enum_range(NULL::analytics.event_type)::text[]$$,
    $$VALUES (ARRAY['page_view','user_action','form_submit','conversion','onboarding','experiment','whatsapp','system','error',
                   'track','page','screen','identify','group','alias'])$$,
    'analytics.event_type is exactly the contract''s closed set');
SELECT results_eq($$SELECT enum_range(NULL::analytics.transport)::text[]$$,
    $$VALUES (ARRAY['tcp','udp','http','sql','spool'])$$, 'analytics.transport is exactly tcp, udp, http, sql, spool');
SELECT ok('website-form' = ANY (enum_range(NULL::marketing.lead_source)::text[]), 'lead source enum includes website-form');
SELECT ok('bot_setup' = ANY (enum_range(NULL::onboarding.step)::text[]), 'onboarding step enum includes bot_setup');

SELECT results_eq(
    $$SELECT string_agg(a.attname::text COLLATE "default", ',' ORDER BY a.attnum) FROM pg_attribute a
      WHERE a.attrelid = 'analytics.rejected_events'::regclass AND a.attnum > 0 AND NOT a.attisdropped$$,
    $$VALUES ('received_at,transport,source_ip,source_key,reason,detail,message_id,batch_index,raw,raw_size,id,rejection_id')$$,
    'analytics.rejected_events columns follow the COPY order (id not in the COPY list; rejection_id added by 008, last in it)');

-- constraints
SELECT throws_ok($$INSERT INTO marketing.leads (email) VALUES ('not-an-email')$$, '23514', NULL,
                 'leads rejects a malformed email');
SELECT throws_ok($$INSERT INTO marketing.leads (email, score) VALUES ('score@example.com', 150)$$, '23514', NULL,
                 'lead score outside 0..100 is rejected');
SELECT throws_ok($$INSERT INTO onboarding.sessions (session_token) VALUES ('short')$$, '23514', NULL,
                 'session tokens shorter than 8 characters are rejected');
SELECT throws_ok($$INSERT INTO analytics.events (type, name) VALUES ('track', '')$$, '23514', NULL,
                 'events.name must be 1..255 characters');
SELECT throws_ok($$INSERT INTO analytics.events (type, name, properties) VALUES ('track', 'x', '[1]')$$, '23514', NULL,
                 'events.properties must be a JSON object');
SELECT throws_ok($$INSERT INTO experiments.experiments (key, name, variants) VALUES ('bad_variants', 'x', '[{"key": "a"}, {"key": "a", "weight": 1}]')$$,
                 '23514', NULL, 'experiment variants are validated (weights, unique keys)');

-- rollup keys
SELECT lives_ok($$INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, country, device_type, event_count)
                  VALUES ('hour', '2020-01-01 00:00+00', 'track', 'k', 'http', NULL, NULL, 1)$$, 'aggregation row with NULL dimensions inserts');
SELECT throws_ok($$INSERT INTO analytics.event_aggregations (bucket_width, bucket_start, type, name, transport, country, device_type, event_count)
                  VALUES ('hour', '2020-01-01 00:00+00', 'track', 'k', 'http', NULL, NULL, 2)$$, '23505', NULL,
                 'event_aggregations key is UNIQUE NULLS NOT DISTINCT');
SELECT lives_ok($$INSERT INTO analytics.metrics (metric_name, bucket_width, bucket_start, dimensions, value)
                  VALUES ('leads.created', 'day', '2020-01-01', '{"source": "website-form"}', 3)$$, 'metric row inserts');
SELECT throws_ok($$INSERT INTO analytics.metrics (metric_name, bucket_width, bucket_start, dimensions, value)
                  VALUES ('leads.created', 'day', '2020-01-01', '{"source": "website-form"}', 4)$$, '23505', NULL,
                 'metrics are unique per (metric_name, bucket_width, bucket_start, dimensions)');

-- FK ON DELETE behaviour
SELECT results_eq(
    $$SELECT (conrelid::regclass::text || '.' || confdeltype::text) COLLATE "default" FROM pg_constraint
      WHERE contype = 'f' AND connamespace IN ('marketing'::regnamespace, 'onboarding'::regnamespace, 'experiments'::regnamespace, 'whatsapp'::regnamespace)
      ORDER BY 1$$,
    $$VALUES ('experiments.assignments.c'), ('marketing.lead_interactions.c'), ('onboarding.sessions.n'),
             ('onboarding.step_activities.c'), ('whatsapp.accounts.n'), ('whatsapp.accounts.n'), ('whatsapp.templates.c')$$,
    'FKs: children cascade, optional links (session->lead, account->lead/session) set null');

INSERT INTO marketing.leads (id, email) VALUES ('00000000-0000-4000-8000-0000000000f1', 'fk.check@example.com');
INSERT INTO marketing.lead_interactions (lead_id, interaction_type) VALUES ('00000000-0000-4000-8000-0000000000f1', 'note');
INSERT INTO onboarding.sessions (session_token, lead_id) VALUES ('sess_fk_check_01', '00000000-0000-4000-8000-0000000000f1');
DELETE FROM marketing.leads WHERE id = '00000000-0000-4000-8000-0000000000f1';
SELECT is((SELECT count(*)::int FROM marketing.lead_interactions WHERE lead_id = '00000000-0000-4000-8000-0000000000f1'), 0,
          'deleting a lead cascades to its interactions');
SELECT ok((SELECT lead_id IS NULL FROM onboarding.sessions WHERE session_token = 'sess_fk_check_01'),
          'deleting a lead keeps the onboarding session with lead_id set to NULL');

-- Comments
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd', 'public')
             AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname NOT LIKE 'pg\_%'
             AND c.relname <> 'schema_migrations'
             AND obj_description(c.oid, 'pg_class') IS NULL), 0,
          'every table has a COMMENT');
SELECT is((SELECT count(*)::int FROM pg_class c WHERE c.oid IN ('marketing.leads'::regclass, 'onboarding.sessions'::regclass,
             'analytics.events'::regclass, 'analytics.rejected_events'::regclass, 'experiments.experiments'::regclass)
           AND EXISTS (SELECT 1 FROM pg_description d WHERE d.objoid = c.oid AND d.objsubid > 0)), 5,
          'non-obvious columns of the main tables carry comments');

SELECT has_column('onboarding', 'sessions', 'business_info_completed_at', 'sessions has business_info_completed_at');
SELECT ok((SELECT count(*) = 5 FROM pg_attribute WHERE attrelid = 'onboarding.sessions'::regclass
           AND attname IN (SELECT s::text || '_completed_at' FROM unnest(enum_range(NULL::onboarding.step)) s)),
          'sessions has one *_completed_at column per onboarding step');
SELECT has_function('analytics', 'ensure_event_partitions', ARRAY['integer', 'integer'], 'ensure_event_partitions(int, int) exists');
SELECT has_function('analytics', 'drop_event_partitions', ARRAY['interval'], 'drop_event_partitions(interval) exists');

SELECT * FROM finish();
ROLLBACK;
