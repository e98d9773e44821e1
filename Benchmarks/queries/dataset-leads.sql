-- Query-target dataset, part 1: :leads leads and as many onboarding sessions (psql -v leads=100000).
-- Spread over the last 90 days with the seed's sources, statuses and funnel shape. Emails are
-- 'lead<n>@company<n % 5000>.example.com', tokens 'sess_bench_<n>', so the benchmark can pick real ones.
INSERT INTO marketing.leads (email, first_name, last_name, company_name, job_title, country, source, status, score,
                             utm_source, utm_campaign, consent_marketing, consent_given_at, consent_version,
                             converted_at, created_at, updated_at, last_submitted_at)
SELECT 'lead' || n || '@company' || (n % 5000) || '.example.com',
       'First' || (n % 997), 'Last' || (n % 991), 'Company ' || (n % 5000), 'Head of Growth',
       (ARRAY['US', 'DE', 'GB', 'NL', 'FR', 'ES', 'IT', 'BR'])[1 + n % 8],
       (enum_range(NULL::marketing.lead_source))[1 + n % 14],
       st.status, (n * 7) % 101,
       (ARRAY['google', 'linkedin', NULL, 'newsletter', NULL])[1 + n % 5],
       (ARRAY['whatsapp-reminders', 'enterprise-q3', NULL, 'spring-promo', NULL])[1 + n % 5],
       n % 3 = 0, CASE WHEN n % 3 = 0 THEN ts END, CASE WHEN n % 3 = 0 THEN 'v2' END,
       CASE WHEN st.status = 'converted' THEN ts + interval '3 days' END,
       ts, ts, ts
FROM generate_series(1, :leads) AS n
CROSS JOIN LATERAL (SELECT now() - (n % 90) * interval '1 day' - (n % 1440) * interval '1 minute' AS ts) t
CROSS JOIN LATERAL (SELECT (CASE WHEN n % 100 < 45 THEN 'new' WHEN n % 100 < 65 THEN 'contacted' WHEN n % 100 < 78 THEN 'qualified'
                                 WHEN n % 100 < 86 THEN 'demo_scheduled' WHEN n % 100 < 92 THEN 'converted'
                                 WHEN n % 100 < 98 THEN 'lost' ELSE 'unsubscribed' END)::marketing.lead_status AS status) st;

-- One onboarding session per lead: k of the 5 steps done (k = n % 6); all 5 = completed; a third of
-- the unfinished ones abandoned. The sessions_progress trigger derives progress and current_step.
INSERT INTO onboarding.sessions (session_token, current_step, status, started_at, last_activity_at,
                                 business_info_completed_at, whatsapp_connection_completed_at, bot_setup_completed_at,
                                 templates_completed_at, go_live_completed_at, completed_at, abandoned_at,
                                 utm_source, business_info)
SELECT 'sess_bench_' || n,
       (enum_range(NULL::onboarding.step))[least(5, k + 1)],
       CASE WHEN k = 5 THEN 'completed' WHEN n % 3 = 0 THEN 'abandoned' ELSE 'in_progress' END::onboarding.session_status,
       ts, ts + k * interval '10 minutes',
       CASE WHEN k >= 1 THEN ts + interval '5 minutes' END, CASE WHEN k >= 2 THEN ts + interval '15 minutes' END,
       CASE WHEN k >= 3 THEN ts + interval '25 minutes' END, CASE WHEN k >= 4 THEN ts + interval '35 minutes' END,
       CASE WHEN k >= 5 THEN ts + interval '45 minutes' END, CASE WHEN k = 5 THEN ts + interval '45 minutes' END,
       CASE WHEN k < 5 AND n % 3 = 0 THEN ts + interval '2 hours' END,
       (ARRAY['google', 'linkedin', NULL, 'newsletter', NULL])[1 + n % 5],
       jsonb_build_object('company', 'Company ' || (n % 5000), 'use_case', 'appointment reminders')
FROM generate_series(1, :leads) AS n
CROSS JOIN LATERAL (SELECT n % 6 AS k, now() - (n % 14) * interval '1 day' - (n % 1440) * interval '1 minute' - interval '3 hours' AS ts) t;
