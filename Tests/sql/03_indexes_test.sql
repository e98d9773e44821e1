-- Index coverage: 50+ indexes, a lean analytics.events, the lookups the spec promises.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(12);

SELECT cmp_ok((SELECT count(*)::int FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd', 'public')
                 AND NOT t.relispartition AND t.relname NOT LIKE '\_\_%' AND t.relname <> 'schema_migrations'),
              '>=', 50, 'at least 50 indexes across the schema (partition copies not counted)');
SELECT cmp_ok((SELECT count(*)::int FROM pg_indexes
               WHERE schemaname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'public')
                 AND indexname IN (SELECT relname FROM pg_class WHERE relkind IN ('i', 'I'))
                 AND indexdef NOT LIKE '%UNIQUE%' AND indexname NOT LIKE '%pkey'
                 AND tablename NOT LIKE 'events\_p%' AND tablename <> 'events_default'),
              '>=', 50, 'at least 50 non-key performance indexes');
SELECT results_eq(
    $$SELECT (c.relname || ':' || am.amname) COLLATE "default" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
      WHERE i.indrelid = 'analytics.events'::regclass ORDER BY 1$$,
    $$VALUES ('events_created_brin:brin'), ('events_occurred_brin:brin'), ('events_pkey:btree'), ('events_session_time_idx:btree'),
             ('events_type_name_time_idx:btree'), ('events_user_time_idx:btree')$$,
    'analytics.events has only the PK + BRIN(occurred_at) + BRIN(created_at) (rollup, 006) + session/user partial + (type, name, occurred_at)');
SELECT ok((SELECT pg_get_expr(indpred, indrelid) LIKE '%session_id IS NOT NULL%' FROM pg_index WHERE indexrelid = 'analytics.events_session_time_idx'::regclass),
          'session index on events is partial (session_id IS NOT NULL)');
SELECT is((SELECT count(*)::int FROM pg_index WHERE indrelid = format('analytics.events_p%s', to_char((now() AT TIME ZONE 'UTC')::date, 'YYYYMMDD'))::regclass), 6,
          'daily partitions inherit exactly the parent''s six indexes');
SELECT ok((SELECT indisunique AND pg_get_indexdef(indexrelid) LIKE '%lower(btrim(email))%' FROM pg_index
           WHERE indexrelid = 'marketing.leads_email_normalised_key'::regclass),
          'leads have a unique index on the normalised email');
SELECT is((SELECT count(*)::int FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
           WHERE i.indrelid = 'analytics.rejected_events'::regclass AND am.amname = 'brin'), 1, 'rejected_events has BRIN(received_at)');
SELECT has_index('analytics', 'rejected_events', 'rejected_events_reason_time_idx', ARRAY['reason', 'received_at'],
                 'rejected_events has btree(reason, received_at)');
SELECT cmp_ok((SELECT count(*)::int FROM pg_indexes WHERE schemaname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'public')
               AND indexdef LIKE '% USING gin %' AND tablename NOT LIKE 'events\_%'), '>=', 6, 'GIN indexes on JSONB/array columns');
SELECT cmp_ok((SELECT count(*)::int FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'public')
                 AND NOT t.relispartition AND i.indpred IS NOT NULL), '>=', 20, 'partial indexes where most rows never qualify');
SELECT ok(EXISTS (SELECT 1 FROM pg_indexes WHERE schemaname = 'onboarding' AND tablename = 'sessions'
                  AND indexdef LIKE '%(last_activity_at) WHERE (status = ''in_progress''%'),
          'abandon_inactive_sessions has its partial index');
SELECT has_view('public', 'index_usage_stats', 'public.index_usage_stats exists');

SELECT * FROM finish();
ROLLBACK;
