-- 005_seed_data.sql
-- Development data.  Does nothing unless app.environment = 'development':
--   eventd migrate --environment development
--   psql -c "SET app.environment = 'development';" -f 005_seed_data.sql
-- Idempotent: fixed ids / natural keys with ON CONFLICT DO NOTHING or NOT EXISTS guards, so a re-run
-- on a seeded database changes nothing.  Deterministic: "random" choices come from md5 hashes of the
-- row number (experiments.hash_bucket), only the timestamps follow the wall clock (relative to now()).
-- Personas: dental clinic owner (converted), e-commerce marketer (converted), agency developer
-- (onboarding in progress), enterprise IT director (demo scheduled), startup founder (abandoned
-- onboarding), restaurant owner (newsletter sign-up).

DO $seed$
BEGIN
    IF current_setting('app.environment', true) IS DISTINCT FROM 'development' THEN
        RAISE NOTICE '005_seed_data: app.environment is not ''development'' (got %); no seed data inserted',
                     coalesce(nullif(current_setting('app.environment', true), ''), '<unset>');
        RETURN;
    END IF;

    -- -----------------------------------------------------------------------
    -- Leads (6 personas)
    -- -----------------------------------------------------------------------
    INSERT INTO marketing.leads (id, email, first_name, last_name, company_name, job_title, phone, website,
                                 company_size, industry, country, source, status, score, tags,
                                 utm_source, utm_medium, utm_campaign, landing_page, ip_address,
                                 consent_marketing, consent_given_at, consent_version, lawful_basis,
                                 converted_at, metadata, created_at, updated_at, last_submitted_at)
    SELECT v.id, v.email, v.first_name, v.last_name, v.company_name, v.job_title, v.phone, v.website,
           v.company_size::marketing.company_size, v.industry, v.country, v.source::marketing.lead_source,
           v.status::marketing.lead_status, v.score, v.tags, v.utm_source, v.utm_medium, v.utm_campaign,
           v.landing_page, v.ip::inet, v.consent, CASE WHEN v.consent THEN now() - v.age END,
           CASE WHEN v.consent THEN 'privacy-2024-06' END, v.basis::marketing.lawful_basis,
           CASE WHEN v.status = 'converted' THEN now() - v.age + interval '6 days' END,
           v.metadata::jsonb, now() - v.age, now() - v.age + interval '1 hour', now() - v.age
    FROM (VALUES
        ('a1000000-0000-4000-8000-000000000001'::uuid, 'sarah.chen@brightsmile-dental.example', 'Sarah', 'Chen',
         'BrightSmile Dental', 'Owner', '+4930123456701', 'https://brightsmile-dental.example', '11-50', 'Healthcare', 'DE',
         'website-form', 'converted', 92, ARRAY['smb', 'healthcare'], 'google', 'cpc', 'whatsapp-reminders', '/use-cases/appointments',
         '203.0.113.10', true, 'consent', '{"use_case": "appointment reminders", "monthly_messages": 3000}', interval '28 days'),
        ('a1000000-0000-4000-8000-000000000002'::uuid, 'marco.rossi@urbanthreads.example', 'Marco', 'Rossi',
         'Urban Threads', 'Head of E-commerce', '+393331234567', 'https://urbanthreads.example', '51-200', 'Retail', 'IT',
         'paid-search', 'converted', 88, ARRAY['ecommerce', 'mid-market'], 'facebook', 'paid-social', 'cart-recovery', '/use-cases/ecommerce',
         '198.51.100.22', true, 'consent', '{"use_case": "abandoned cart recovery", "store_platform": "shopify"}', interval '24 days'),
        ('a1000000-0000-4000-8000-000000000003'::uuid, 'priya.patel@pixelforge.example', 'Priya', 'Patel',
         'PixelForge Agency', 'Lead Developer', '+447700900123', 'https://pixelforge.example', '11-50', 'Marketing agency', 'GB',
         'referral', 'qualified', 70, ARRAY['agency', 'developer'], NULL, NULL, NULL, '/developers',
         '192.0.2.33', false, 'legitimate_interest', '{"clients": 12, "needs": "multi-account API access"}', interval '9 days'),
        ('a1000000-0000-4000-8000-000000000004'::uuid, 'james.whitfield@northwind-logistics.example', 'James', 'Whitfield',
         'Northwind Logistics', 'IT Director', '+12025550147', 'https://northwind-logistics.example', '1000+', 'Logistics', 'US',
         'demo-request', 'demo_scheduled', 81, ARRAY['enterprise'], 'linkedin', 'paid-social', 'enterprise-q3', '/enterprise',
         '198.51.100.77', true, 'consent', '{"seats": 250, "sso": true, "procurement": "security review"}', interval '6 days'),
        ('a1000000-0000-4000-8000-000000000005'::uuid, 'lena.berg@fjordstart.example', 'Lena', 'Berg',
         'FjordStart', 'Founder', '+4791234567', 'https://fjordstart.example', '1-10', 'SaaS', 'NO',
         'organic-search', 'contacted', 45, ARRAY['startup'], 'google', 'organic', NULL, '/pricing',
         '203.0.113.54', false, 'legitimate_interest', '{"stage": "seed", "trial": true}', interval '12 days'),
        ('a1000000-0000-4000-8000-000000000006'::uuid, 'diego.fernandez@casadiego.example', 'Diego', 'Fernandez',
         'Casa Diego Restaurante', 'Owner', '+34612345678', NULL, '1-10', 'Hospitality', 'ES',
         'newsletter', 'new', 20, ARRAY['smb', 'hospitality'], 'newsletter', 'email', 'spring-promo', '/blog/whatsapp-for-restaurants',
         NULL, true, 'consent', '{"interest": "table reservations"}', interval '2 days')
    ) AS v(id, email, first_name, last_name, company_name, job_title, phone, website, company_size, industry, country,
           source, status, score, tags, utm_source, utm_medium, utm_campaign, landing_page, ip, consent, basis, metadata, age)
    WHERE NOT EXISTS (SELECT 1 FROM marketing.leads l WHERE lower(btrim(l.email)) = v.email OR l.id = v.id);

    INSERT INTO marketing.lead_interactions (id, lead_id, interaction_type, direction, subject, outcome, performed_by,
                                             duration_seconds, occurred_at, metadata)
    VALUES
        ('b1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'email_sent', 'outbound',
         'Welcome to the WhatsApp Cloud API platform', 'delivered', 'automation', NULL, now() - interval '28 days', '{"template": "welcome"}'),
        ('b1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000001', 'demo', 'outbound',
         'Appointment reminder demo', 'very interested', 'anna.sales', 1800, now() - interval '25 days', '{}'),
        ('b1000000-0000-4000-8000-000000000003', 'a1000000-0000-4000-8000-000000000001', 'status_change', 'internal',
         'qualified -> converted', 'signed annual plan', 'anna.sales', NULL, now() - interval '22 days', '{"plan": "growth"}'),
        ('b1000000-0000-4000-8000-000000000004', 'a1000000-0000-4000-8000-000000000002', 'call', 'outbound',
         'Discovery call', 'needs Shopify integration', 'ben.sales', 1200, now() - interval '23 days', '{}'),
        ('b1000000-0000-4000-8000-000000000005', 'a1000000-0000-4000-8000-000000000002', 'status_change', 'internal',
         'qualified -> converted', 'monthly plan', 'ben.sales', NULL, now() - interval '18 days', '{"plan": "starter"}'),
        ('b1000000-0000-4000-8000-000000000006', 'a1000000-0000-4000-8000-000000000003', 'email_opened', 'inbound',
         'API documentation pack', NULL, 'automation', NULL, now() - interval '8 days', '{}'),
        ('b1000000-0000-4000-8000-000000000007', 'a1000000-0000-4000-8000-000000000004', 'meeting', 'outbound',
         'Enterprise demo scheduled', 'demo booked for next week', 'anna.sales', 2700, now() - interval '5 days', '{"attendees": 4}'),
        ('b1000000-0000-4000-8000-000000000008', 'a1000000-0000-4000-8000-000000000005', 'email_sent', 'outbound',
         'Need help finishing your setup?', 'no reply', 'automation', NULL, now() - interval '10 days', '{"template": "nudge"}'),
        ('b1000000-0000-4000-8000-000000000009', 'a1000000-0000-4000-8000-000000000006', 'form_submission', 'inbound',
         'Newsletter sign-up', NULL, NULL, NULL, now() - interval '2 days', '{"list": "monthly"}')
    ON CONFLICT (id) DO NOTHING;

    -- -----------------------------------------------------------------------
    -- Onboarding journeys: 2 completed, 2 in progress (one is the README's sess_user_token_123), 1 abandoned
    -- -----------------------------------------------------------------------
    INSERT INTO onboarding.sessions (id, session_token, lead_id, user_id, current_step, status, business_info,
                                     started_at, business_info_completed_at, whatsapp_connection_completed_at,
                                     bot_setup_completed_at, templates_completed_at, go_live_completed_at,
                                     completed_at, abandoned_at, last_activity_at, utm_source, metadata)
    VALUES
        ('c1000000-0000-4000-8000-000000000001', 'sess_seed_brightsmile_0001', 'a1000000-0000-4000-8000-000000000001',
         'd1000000-0000-4000-8000-000000000001', 'go_live', 'completed',
         '{"company": "BrightSmile Dental", "email": "sarah.chen@brightsmile-dental.example", "use_case": "appointment reminders"}',
         now() - interval '21 days', now() - interval '21 days' + interval '10 minutes', now() - interval '21 days' + interval '35 minutes',
         now() - interval '20 days', now() - interval '20 days' + interval '40 minutes', now() - interval '19 days',
         now() - interval '19 days', NULL, now() - interval '19 days', 'google', '{}'),
        ('c1000000-0000-4000-8000-000000000002', 'sess_seed_urbanthreads_0002', 'a1000000-0000-4000-8000-000000000002',
         'd1000000-0000-4000-8000-000000000002', 'go_live', 'completed',
         '{"company": "Urban Threads", "email": "marco.rossi@urbanthreads.example", "use_case": "cart recovery"}',
         now() - interval '17 days', now() - interval '17 days' + interval '6 minutes', now() - interval '17 days' + interval '50 minutes',
         now() - interval '16 days', now() - interval '16 days' + interval '2 hours', now() - interval '15 days',
         now() - interval '15 days', NULL, now() - interval '15 days', 'facebook', '{}'),
        ('c1000000-0000-4000-8000-000000000003', 'sess_user_token_123', 'a1000000-0000-4000-8000-000000000003',
         NULL, 'business_info', 'in_progress',
         '{"company": "PixelForge Agency", "email": "priya.patel@pixelforge.example"}',
         now() - interval '3 days', NULL, NULL, NULL, NULL, NULL,
         NULL, NULL, now() - interval '30 minutes', NULL, '{"device": "desktop"}'),
        ('c1000000-0000-4000-8000-000000000004', 'sess_seed_fjordstart_0004', 'a1000000-0000-4000-8000-000000000005',
         NULL, 'whatsapp_connection', 'abandoned',
         '{"company": "FjordStart", "email": "lena.berg@fjordstart.example"}',
         now() - interval '11 days', now() - interval '11 days' + interval '8 minutes', NULL, NULL, NULL, NULL,
         NULL, now() - interval '11 days' + interval '3 hours', now() - interval '11 days' + interval '20 minutes', 'google', '{"blocked_on": "Meta business verification"}'),
        ('c1000000-0000-4000-8000-000000000005', 'sess_seed_anonymous_0005', NULL,
         NULL, 'bot_setup', 'in_progress', '{"company": "Anonymous trial"}',
         now() - interval '1 day', now() - interval '1 day' + interval '5 minutes', now() - interval '1 day' + interval '25 minutes',
         NULL, NULL, NULL, NULL, NULL, now() - interval '1 day' + interval '40 minutes', NULL, '{}')
    ON CONFLICT (session_token) DO NOTHING;

    IF NOT EXISTS (SELECT 1 FROM onboarding.step_activities a
                   WHERE a.session_id = ANY ('{c1000000-0000-4000-8000-000000000001,c1000000-0000-4000-8000-000000000002,c1000000-0000-4000-8000-000000000003,c1000000-0000-4000-8000-000000000004,c1000000-0000-4000-8000-000000000005}'::uuid[])) THEN
        -- Per session and per reached step: viewed -> fields -> (a validation error now and then) -> completed.
        INSERT INTO onboarding.step_activities (session_id, step, activity_type, field_name, duration_ms, error_message, occurred_at)
        SELECT s.id, st.step, act.kind::onboarding.activity_type, act.field, act.ms,
               CASE WHEN act.kind = 'validation_error' THEN 'Phone number must be in international format' END,
               least(coalesce(done.at, s.last_activity_at), s.last_activity_at) - act.back
        FROM onboarding.sessions s
        CROSS JOIN LATERAL unnest(enum_range(NULL::onboarding.step)) AS st(step)
        CROSS JOIN LATERAL (SELECT (to_jsonb(s) ->> (st.step::text || '_completed_at'))::timestamptz AS at) AS done
        CROSS JOIN LATERAL (VALUES
            ('step_viewed', NULL, 1500, interval '4 minutes'),
            ('field_completed', 'company_name', 9000, interval '3 minutes'),
            ('validation_error', 'phone', 400, interval '2 minutes'),
            ('field_completed', 'phone', 12000, interval '1 minute'),
            ('step_completed', NULL, 240000, interval '0')) AS act(kind, field, ms, back)
        WHERE s.id = ANY ('{c1000000-0000-4000-8000-000000000001,c1000000-0000-4000-8000-000000000002,c1000000-0000-4000-8000-000000000003,c1000000-0000-4000-8000-000000000004,c1000000-0000-4000-8000-000000000005}'::uuid[])
          AND st.step <= s.current_step
          AND (act.kind <> 'step_completed' OR done.at IS NOT NULL)
          AND (act.kind <> 'validation_error' OR experiments.hash_bucket(s.session_token || st.step::text, 3) = 0)
          AND least(coalesce(done.at, s.last_activity_at), s.last_activity_at) - act.back >= s.started_at;
    END IF;

    -- -----------------------------------------------------------------------
    -- Experiments (3 running, 1 draft, 1 completed) and assignments
    -- -----------------------------------------------------------------------
    INSERT INTO experiments.experiments (id, key, name, description, hypothesis, status, variants, traffic_allocation,
                                         target_countries, targeting, primary_metric, winning_variant, starts_at, ends_at, created_by)
    VALUES
        ('e1000000-0000-4000-8000-000000000001', 'homepage_hero_cta', 'Homepage hero call to action',
         'Compare "Start free trial" with "Book a demo" as the primary hero button.',
         'A demo CTA produces more qualified leads.', 'running',
         '[{"key": "control", "weight": 50}, {"key": "book_demo", "weight": 50}]', 100, NULL, '{}',
         'form_submit:lead_form', NULL, now() - interval '21 days', NULL, 'growth-team'),
        ('e1000000-0000-4000-8000-000000000002', 'pricing_page_layout', 'Pricing page layout',
         'Annual-first toggle and comparison table vs current layout.', 'Annual-first raises annual plan share.', 'running',
         '[{"key": "control", "weight": 34}, {"key": "annual_first", "weight": 33}, {"key": "comparison_table", "weight": 33}]',
         50, ARRAY['US', 'GB', 'DE', 'NL'], '{"pages": ["/pricing"]}', 'conversion:subscription_started', NULL,
         now() - interval '14 days', now() + interval '14 days', 'growth-team'),
        ('e1000000-0000-4000-8000-000000000003', 'onboarding_checklist', 'Onboarding checklist sidebar',
         'Show a persistent checklist during onboarding.', 'A checklist reduces abandonment at whatsapp_connection.', 'running',
         '[{"key": "control", "weight": 50}, {"key": "checklist", "weight": 50}]', 80, NULL, '{}',
         'onboarding:completed', NULL, now() - interval '10 days', NULL, 'product-team'),
        ('e1000000-0000-4000-8000-000000000004', 'whatsapp_template_wizard', 'Template creation wizard',
         'Guided wizard for first template submission.', 'A wizard lowers template rejection rate.', 'draft',
         '[{"key": "control", "weight": 50}, {"key": "wizard", "weight": 50}]', 100, NULL, '{}',
         'whatsapp:template_approved', NULL, NULL, NULL, 'product-team'),
        ('e1000000-0000-4000-8000-000000000005', 'signup_form_fields', 'Sign-up form length',
         'Three fields vs six fields on the lead form.', 'Shorter forms convert better.', 'completed',
         '[{"key": "six_fields", "weight": 50}, {"key": "three_fields", "weight": 50}]', 100, NULL, '{}',
         'form_submit:lead_form', 'three_fields', now() - interval '60 days', now() - interval '31 days', 'growth-team')
    ON CONFLICT (key) DO NOTHING;

    -- 60 subjects: 40 identified users, 20 anonymous sessions; sticky, so re-running changes nothing.
    PERFORM public.auto_assign_experiments(
                user_id    := CASE WHEN n <= 40 THEN md5('seed-user-' || n)::uuid END,
                session_id := 'seed_sess_' || n,
                country    := (ARRAY['US', 'GB', 'DE', 'NL', 'FR', 'ES', 'IT', 'BR'])[1 + n % 8])
    FROM generate_series(1, 60) AS n;
    UPDATE experiments.assignments a
    SET exposed_at = a.assigned_at + interval '2 seconds',
        converted_at = CASE WHEN experiments.hash_bucket(a.session_id || a.variant, 100) < 18 THEN a.assigned_at + interval '3 minutes' END
    WHERE a.session_id LIKE 'seed\_sess\_%' AND a.exposed_at IS NULL;

    -- -----------------------------------------------------------------------
    -- WhatsApp accounts and templates for the two converted customers
    -- -----------------------------------------------------------------------
    INSERT INTO whatsapp.accounts (id, lead_id, onboarding_session_id, business_name, waba_id, phone_number_id,
                                   display_phone_number, verified_name, status, quality_rating, messaging_tier,
                                   contact_email, access_token_ref, webhook_verified_at, timezone, metadata)
    VALUES
        ('f1000000-0000-4000-8000-000000000001', 'a1000000-0000-4000-8000-000000000001', 'c1000000-0000-4000-8000-000000000001',
         'BrightSmile Dental', '104857600000001', '209715200000001', '+4930123456701', 'BrightSmile Dental GmbH',
         'active', 'green', 'tier_1k', 'sarah.chen@brightsmile-dental.example', 'vault:whatsapp/brightsmile',
         now() - interval '19 days', 'Europe/Berlin', '{"plan": "growth"}'),
        ('f1000000-0000-4000-8000-000000000002', 'a1000000-0000-4000-8000-000000000002', 'c1000000-0000-4000-8000-000000000002',
         'Urban Threads', '104857600000002', '209715200000002', '+393331234567', 'Urban Threads S.r.l.',
         'active', 'yellow', 'tier_10k', 'marco.rossi@urbanthreads.example', 'vault:whatsapp/urbanthreads',
         now() - interval '15 days', 'Europe/Rome', '{"plan": "starter", "store_platform": "shopify"}')
    ON CONFLICT (waba_id) DO NOTHING;

    INSERT INTO whatsapp.templates (account_id, name, language, category, status, components, body_text,
                                    meta_template_id, rejection_reason, submitted_at, approved_at)
    VALUES
        ('f1000000-0000-4000-8000-000000000001', 'appointment_reminder', 'de_DE', 'utility', 'approved',
         '[{"type": "BODY", "text": "Hallo {{1}}, Ihr Termin ist am {{2}} um {{3}}."}, {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Bestätigen"}]}]',
         'Hallo {{1}}, Ihr Termin ist am {{2}} um {{3}}.', 'mt_seed_0001', NULL, now() - interval '18 days', now() - interval '18 days' + interval '2 hours'),
        ('f1000000-0000-4000-8000-000000000001', 'appointment_reminder', 'en_US', 'utility', 'approved',
         '[{"type": "BODY", "text": "Hi {{1}}, your appointment is on {{2}} at {{3}}."}]',
         'Hi {{1}}, your appointment is on {{2}} at {{3}}.', 'mt_seed_0002', NULL, now() - interval '18 days', now() - interval '18 days' + interval '3 hours'),
        ('f1000000-0000-4000-8000-000000000001', 'recall_checkup', 'de_DE', 'marketing', 'pending',
         '[{"type": "BODY", "text": "Zeit für Ihre Kontrolle, {{1}}! Jetzt Termin buchen."}]',
         'Zeit für Ihre Kontrolle, {{1}}! Jetzt Termin buchen.', NULL, NULL, now() - interval '1 day', NULL),
        ('f1000000-0000-4000-8000-000000000002', 'cart_reminder', 'it_IT', 'marketing', 'approved',
         '[{"type": "HEADER", "format": "IMAGE"}, {"type": "BODY", "text": "Ciao {{1}}, hai dimenticato qualcosa nel carrello!"}]',
         'Ciao {{1}}, hai dimenticato qualcosa nel carrello!', 'mt_seed_0003', NULL, now() - interval '14 days', now() - interval '14 days' + interval '1 hour'),
        ('f1000000-0000-4000-8000-000000000002', 'order_shipped', 'it_IT', 'utility', 'approved',
         '[{"type": "BODY", "text": "Il tuo ordine {{1}} è stato spedito. Tracking: {{2}}"}]',
         'Il tuo ordine {{1}} è stato spedito. Tracking: {{2}}', 'mt_seed_0004', NULL, now() - interval '14 days', now() - interval '13 days'),
        ('f1000000-0000-4000-8000-000000000002', 'flash_sale', 'it_IT', 'marketing', 'rejected',
         '[{"type": "BODY", "text": "SOLO OGGI!!! -70% su tutto!!!"}]',
         'SOLO OGGI!!! -70% su tutto!!!', 'mt_seed_0005', 'Promotional content violates formatting policy', now() - interval '9 days', NULL),
        ('f1000000-0000-4000-8000-000000000002', 'login_code', 'en_US', 'authentication', 'draft',
         '[{"type": "BODY", "text": "{{1}} is your verification code."}]',
         '{{1}} is your verification code.', NULL, NULL, NULL, NULL)
    ON CONFLICT (account_id, name, language) DO NOTHING;

    -- -----------------------------------------------------------------------
    -- Analytics events: ~3,400 over the 30 days before today (UTC), weekday/office-hour shaped.
    -- -----------------------------------------------------------------------
    IF NOT EXISTS (SELECT 1 FROM analytics.events WHERE source_key = 'dev-seed') THEN
        WITH slots AS (
            SELECT d, h,
                   -- office-hours peak, quiet nights, weekends at 60 %
                   round(8.0 * (CASE WHEN h BETWEEN 0 AND 5 THEN 0.15 WHEN h BETWEEN 6 AND 8 THEN 0.6
                                     WHEN h BETWEEN 9 AND 11 THEN 1.6 WHEN h BETWEEN 12 AND 13 THEN 1.1
                                     WHEN h BETWEEN 14 AND 17 THEN 1.4 WHEN h BETWEEN 18 AND 21 THEN 0.8 ELSE 0.35 END)
                             * (CASE WHEN extract(isodow FROM (now() AT TIME ZONE 'UTC')::date - d) >= 6 THEN 0.6 ELSE 1.0 END))::int AS cnt
            FROM generate_series(1, 30) AS d, generate_series(0, 23) AS h
        ), rows AS (
            SELECT row_number() OVER (ORDER BY s.d DESC, s.h, k) AS n,
                   ((now() AT TIME ZONE 'UTC')::date - s.d)::timestamp AT TIME ZONE 'UTC'
                       + make_interval(hours => s.h, secs => experiments.hash_bucket('ts' || s.d || ':' || s.h || ':' || k, 3600)) AS ts
            FROM slots s, generate_series(1, s.cnt) AS k
        ), shaped AS (
            SELECT r.n, r.ts,
                   experiments.hash_bucket('kind' || r.n, 100) AS kind,
                   experiments.hash_bucket('geo' || r.n, 100) AS geo,
                   experiments.hash_bucket('dev' || r.n, 100) AS dev,
                   (r.n / 6) AS sess,  -- about six events per session
                   experiments.hash_bucket('user' || (r.n / 6), 100) AS ident
            FROM rows r
        )
        INSERT INTO analytics.events (event_id, message_id, type, name, session_id, user_id, anonymous_id, occurred_at,
                                      original_timestamp, sent_at, received_at, properties, context, transport, source_ip,
                                      source_key, user_agent, browser, os, device_type, country, page_url, page_path,
                                      referrer, utm_source, utm_medium, utm_campaign, is_bot, lead_id)
        SELECT md5('seed-event-' || s.n)::uuid,
               'seed-msg-' || s.n,
               ev.type::analytics.event_type, ev.name,
               'seed_sess_' || s.sess,
               CASE WHEN s.ident < 25 THEN md5('seed-user-' || (1 + s.sess % 40))::text END,
               'anon_' || (s.sess / 2),
               s.ts, s.ts - interval '150 milliseconds', s.ts + interval '50 milliseconds', s.ts + interval '300 milliseconds',
               ev.props, jsonb_build_object('library', jsonb_build_object('name', 'eventd-js', 'version', '1.4.2'), 'locale', geo.locale),
               (ARRAY['http', 'http', 'http', 'tcp', 'udp', 'sql'])[1 + s.n % 6]::analytics.transport,
               ('198.51.100.' || (s.sess % 250))::inet,
               'dev-seed',
               dev.ua, dev.browser, dev.os, dev.device, geo.country,
               'https://www.example.com' || ev.path, ev.path,
               (ARRAY['https://www.google.com/', 'https://www.linkedin.com/', NULL, 'https://news.ycombinator.com/', NULL])[1 + s.sess % 5],
               (ARRAY['google', 'linkedin', NULL, 'newsletter', NULL])[1 + s.sess % 5],
               (ARRAY['cpc', 'paid-social', NULL, 'email', NULL])[1 + s.sess % 5],
               (ARRAY['whatsapp-reminders', 'enterprise-q3', NULL, 'spring-promo', NULL])[1 + s.sess % 5],
               dev.device = 'bot',
               CASE WHEN s.sess % 97 = 0 THEN 'a1000000-0000-4000-8000-000000000003'::uuid END
        FROM shaped s
        CROSS JOIN LATERAL (SELECT
            CASE WHEN s.kind < 52 THEN 'page_view' WHEN s.kind < 67 THEN 'user_action' WHEN s.kind < 75 THEN 'form_submit'
                 WHEN s.kind < 83 THEN 'onboarding' WHEN s.kind < 88 THEN 'experiment' WHEN s.kind < 92 THEN 'whatsapp'
                 WHEN s.kind < 95 THEN 'conversion' WHEN s.kind < 97 THEN 'system' ELSE 'error' END AS type,
            CASE WHEN s.kind < 52 THEN (ARRAY['Home', 'Pricing', 'Features', 'Blog Post', 'Docs', 'Use Cases'])[1 + s.n % 6]
                 WHEN s.kind < 67 THEN (ARRAY['cta_click', 'demo_request', 'pricing_toggle', 'video_play'])[1 + s.n % 4]
                 WHEN s.kind < 75 THEN (ARRAY['lead_form', 'newsletter_signup'])[1 + s.n % 2]
                 WHEN s.kind < 83 THEN (ARRAY['step_viewed', 'step_completed'])[1 + s.n % 2]
                 WHEN s.kind < 88 THEN 'experiment_viewed'
                 WHEN s.kind < 92 THEN (ARRAY['message_sent', 'message_delivered', 'message_read'])[1 + s.n % 3]
                 WHEN s.kind < 95 THEN (ARRAY['signup', 'subscription_started'])[1 + s.n % 2]
                 WHEN s.kind < 97 THEN 'heartbeat' ELSE 'js_error' END AS name,
            CASE WHEN s.kind < 52 THEN (ARRAY['/', '/pricing', '/features', '/blog/whatsapp-api-guide', '/docs', '/use-cases'])[1 + s.n % 6]
                 WHEN s.kind < 75 THEN '/demo' WHEN s.kind < 83 THEN '/onboarding' ELSE '/app' END AS path,
            CASE WHEN s.kind < 52 THEN jsonb_build_object('title', 'Page ' || s.n % 6, 'load_ms', 300 + s.n % 900)
                 WHEN s.kind < 67 THEN jsonb_build_object('element', 'button', 'value', 1 + s.n % 5)
                 WHEN s.kind < 75 THEN jsonb_build_object('form', 'lead', 'fields', 3 + s.n % 4)
                 WHEN s.kind < 83 THEN jsonb_build_object('step', (enum_range(NULL::onboarding.step))[1 + s.n % 5])
                 WHEN s.kind < 88 THEN jsonb_build_object('experiment', 'homepage_hero_cta', 'variant', (ARRAY['control', 'book_demo'])[1 + s.n % 2])
                 WHEN s.kind < 92 THEN jsonb_build_object('template', 'appointment_reminder', 'value', 0.005)
                 WHEN s.kind < 95 THEN jsonb_build_object('plan', (ARRAY['starter', 'growth'])[1 + s.n % 2],
                                                          'revenue', (ARRAY[49, 149])[1 + s.n % 2], 'currency', 'EUR')
                 WHEN s.kind < 97 THEN '{}'::jsonb
                 ELSE jsonb_build_object('message', 'TypeError: cannot read properties of undefined', 'fatal', false) END AS props
        ) AS ev
        CROSS JOIN LATERAL (SELECT
            CASE WHEN s.geo < 30 THEN 'US' WHEN s.geo < 45 THEN 'DE' WHEN s.geo < 58 THEN 'GB' WHEN s.geo < 68 THEN 'NL'
                 WHEN s.geo < 76 THEN 'FR' WHEN s.geo < 84 THEN 'ES' WHEN s.geo < 90 THEN 'IT' WHEN s.geo < 96 THEN 'BR' ELSE NULL END AS country,
            CASE WHEN s.geo < 30 THEN 'en-US' WHEN s.geo < 45 THEN 'de-DE' WHEN s.geo < 58 THEN 'en-GB' ELSE 'en' END AS locale
        ) AS geo
        CROSS JOIN LATERAL (SELECT
            CASE WHEN s.dev < 55 THEN 'desktop' WHEN s.dev < 90 THEN 'mobile' WHEN s.dev < 97 THEN 'tablet' ELSE 'bot' END AS device,
            CASE WHEN s.dev < 35 THEN 'Chrome' WHEN s.dev < 55 THEN 'Firefox' WHEN s.dev < 90 THEN 'Safari' WHEN s.dev < 97 THEN 'Safari' ELSE 'Googlebot' END AS browser,
            CASE WHEN s.dev < 40 THEN 'Windows' WHEN s.dev < 55 THEN 'macOS' WHEN s.dev < 75 THEN 'iOS' WHEN s.dev < 97 THEN 'Android' ELSE 'Other' END AS os,
            CASE WHEN s.dev < 97 THEN 'Mozilla/5.0 (seed)' ELSE 'Googlebot/2.1 (+http://www.google.com/bot.html)' END AS ua
        ) AS dev;
    END IF;

    RAISE NOTICE '005_seed_data: development seed present (% leads, % sessions, % events, % assignments)',
        (SELECT count(*) FROM marketing.leads), (SELECT count(*) FROM onboarding.sessions),
        (SELECT count(*) FROM analytics.events WHERE source_key = 'dev-seed'), (SELECT count(*) FROM experiments.assignments);
END
$seed$;
