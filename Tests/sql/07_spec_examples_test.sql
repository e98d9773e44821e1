-- The schema spec's SQL (Usage Examples, Manual Operations, Troubleshooting) runs exactly as written.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(17);

-- Usage Examples
SELECT lives_ok($$
-- Rate-limited public lead insertion
INSERT INTO marketing.leads (email, company_name, source) 
VALUES ('user@company.com', 'Company Inc', 'website-form');
$$, 'Usage: lead capture');
SELECT lives_ok($$
-- Session progress update
UPDATE onboarding.sessions 
SET current_step = 'bot_setup', business_info_completed_at = NOW()
WHERE session_token = 'sess_user_token_123';
$$, 'Usage: onboarding progress update');
SELECT results_eq($$SELECT current_step::text, progress_percentage::int FROM onboarding.sessions WHERE session_token = 'sess_user_token_123'$$,
                  $$VALUES ('bot_setup', 20)$$, '... the seeded session moved to bot_setup at 20 %');
SELECT lives_ok($$
-- Event insertion with auto-enrichment
INSERT INTO analytics.events (type, name, session_id, properties)
VALUES ('user_action', 'demo_request', 'session_123', '{"page": "/demo"}'::JSONB);
$$, 'Usage: analytics event insert');
SELECT lives_ok($$
-- Auto-assign user to active experiments
SELECT auto_assign_experiments(
  user_id := '550e8400-e29b-41d4-a716-446655440001'::UUID,
  session_id := 'session_123',
  country := 'US'
);
$$, 'Usage: A/B auto-assignment');
SELECT cmp_ok((SELECT count(*)::int FROM experiments.assignments WHERE user_id = '550e8400-e29b-41d4-a716-446655440001'), '>=', 1,
              '... the user got assignments');
SELECT lives_ok($$
-- Rate-limited public lead insertion
INSERT INTO marketing.leads (email, company_name, source) 
VALUES ('user@company.com', 'Company Inc', 'website-form');
$$, 'Usage: the same lead capture a second time (dedup merge)');
SELECT is((SELECT count(*)::int FROM marketing.leads WHERE email = 'user@company.com'), 1, '... one lead row');

-- Manual Operations
SELECT lives_ok($$
-- Check database health
SELECT * FROM public.index_usage_stats ORDER BY idx_scan DESC LIMIT 10;
$$, 'Manual: index usage');
SELECT lives_ok($$
-- Monitor lead conversion funnel
SELECT source, status, COUNT(*) as count 
FROM marketing.leads 
WHERE created_at > NOW() - INTERVAL '30 days'
GROUP BY source, status;
$$, 'Manual: lead funnel');
SELECT lives_ok($$
-- Analyze onboarding drop-off
SELECT current_step, status, AVG(progress_percentage) as avg_progress
FROM onboarding.sessions 
WHERE started_at > NOW() - INTERVAL '7 days'
GROUP BY current_step, status;
$$, 'Manual: onboarding drop-off');

-- Automated maintenance functions named by the spec
SELECT lives_ok($$SELECT cleanup_old_data()$$, 'Maintenance: cleanup_old_data()');
SELECT lives_ok($$SELECT abandon_inactive_sessions()$$, 'Maintenance: abandon_inactive_sessions()');
SELECT lives_ok($$SELECT process_pending_events()$$, 'Maintenance: process_pending_events()');

-- Troubleshooting
SELECT CASE WHEN to_regclass('public.pg_stat_statements') IS NULL
            THEN skip('pg_stat_statements is not preloaded on this server', 1)
            ELSE lives_ok($$
-- Check slow queries
SELECT query, mean_time, calls 
FROM pg_stat_statements 
ORDER BY mean_time DESC LIMIT 10;
$$, 'Troubleshooting: slow queries via pg_stat_statements') END;
SELECT lives_ok($$
-- Analyze table sizes
SELECT schemaname, tablename, 
       pg_size_pretty(pg_relation_size(schemaname||'.'||tablename)) as size
FROM pg_tables 
WHERE schemaname IN ('marketing', 'onboarding', 'analytics')
ORDER BY pg_relation_size(schemaname||'.'||tablename) DESC;
$$, 'Troubleshooting: table sizes');
SELECT lives_ok($$
-- Test policy with specific user context
SET app.user_email = 'test@example.com';
SET app.session_token = 'sess_test_token';
SELECT * FROM marketing.leads LIMIT 1;
$$, 'Troubleshooting: RLS policy test');

SELECT * FROM finish();
ROLLBACK;
