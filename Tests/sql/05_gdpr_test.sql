-- GDPR erasure: after gdpr_delete_user_data() no text/jsonb/bytea column of any table still holds
-- the email, the person's rows are gone everywhere, other people's data is untouched.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(16);

-- Counts rows, per table, in which the needle appears in any column (whole row as text, plus bytea
-- columns decoded, since a row's text form shows bytea as hex).
CREATE FUNCTION pg_temp.traces(p_needle text) RETURNS TABLE (tbl text, hits bigint)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v_bytea text;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd', 'public')
               AND c.relkind IN ('r', 'p') AND NOT c.relispartition LOOP
        SELECT string_agg(format('OR strpos(lower(encode(t.%I, ''escape'')), $1) > 0', attname), ' ') INTO v_bytea
        FROM pg_attribute WHERE attrelid = r.rel AND attnum > 0 AND NOT attisdropped AND atttypid = 'bytea'::regtype;
        tbl := r.rel::text;
        EXECUTE format('SELECT count(*) FROM %s t WHERE strpos(lower(t::text), $1) > 0 %s', r.rel, coalesce(v_bytea, ''))
            INTO hits USING lower(p_needle);
        IF hits > 0 THEN RETURN NEXT; END IF;
    END LOOP;
END $$;

-- ---------------------------------------------------------------- the person's footprint everywhere
INSERT INTO marketing.leads (id, email, first_name, company_name, ip_address, metadata, consent_marketing, consent_given_at)
VALUES ('00000000-0000-4000-8000-0000000009d1', 'Erase.Me@Example.org', 'Erin', 'Erase Co', '192.0.2.99',
        '{"note": "contact erase.me@example.org"}', true, now());
INSERT INTO marketing.leads (email, ip_address) VALUES ('erase.me@example.org', '192.0.2.99');  -- merged re-submission
INSERT INTO marketing.lead_interactions (lead_id, interaction_type, content)
VALUES ('00000000-0000-4000-8000-0000000009d1', 'email_sent', 'Hi Erin'),
       ('a1000000-0000-4000-8000-000000000004', 'note', 'James was referred by erase.me@example.org');
INSERT INTO onboarding.sessions (id, session_token, lead_id, user_id, business_info, business_info_completed_at)
VALUES ('00000000-0000-4000-8000-0000000009d2', 'sess_erase_me_0001', '00000000-0000-4000-8000-0000000009d1',
        '00000000-0000-4000-8000-0000000009d3', '{"email": "ERASE.ME@example.org", "company": "Erase Co"}', now());
INSERT INTO onboarding.sessions (session_token, business_info)
VALUES ('sess_erase_me_0002', '{"email": "erase.me@example.org"}');  -- a second, unlinked attempt
INSERT INTO onboarding.step_activities (session_id, step, activity_type) VALUES ('00000000-0000-4000-8000-0000000009d2', 'business_info', 'step_completed');
UPDATE experiments.experiments SET status = 'running', starts_at = now() - interval '1 day' WHERE key = 'homepage_hero_cta';
SELECT count(*) AS n FROM auto_assign_experiments('00000000-0000-4000-8000-0000000009d3', 'web_sess_erase', 'DE') \gset
INSERT INTO analytics.events (type, name, session_id, user_id, anonymous_id, lead_id, properties, page_url, original_timestamp) VALUES
    ('page_view', 'Home', 'web_sess_erase_anon', NULL, 'anon_erase_1', NULL, '{}', 'https://www.example.com/', now() - interval '2 days'),
    ('identify', 'identify', 'web_sess_erase', '00000000-0000-4000-8000-0000000009d3', 'anon_erase_1', NULL, '{"traits": {"email": "erase.me@example.org"}}', NULL, now() - interval '1 day'),
    ('form_submit', 'lead_form', 'web_sess_erase', NULL, NULL, '00000000-0000-4000-8000-0000000009d1', '{}', NULL, now()),
    ('page_view', 'Thanks', 'other_sess', NULL, NULL, NULL, '{}', 'https://www.example.com/thanks?email=Erase.Me%40example.org&ref=erase.me@example.org', now()),
    ('track', 'unrelated', 'someone_else', 'u_other', NULL, NULL, '{"x": 1}', NULL, now());
INSERT INTO analytics.rejected_events (transport, reason, detail, raw, raw_size) VALUES
    ('http', 'invalid_json', 'could not parse body', convert_to('{"email": "Erase.Me@example.org", oops', 'UTF8'), 40),
    ('udp', 'name_missing', 'event without name from erase.me@example.org', NULL, 0),
    ('tcp', 'invalid_json', 'unrelated', convert_to('{"x": 1', 'UTF8'), 7);
INSERT INTO whatsapp.accounts (business_name, waba_id, phone_number_id, display_phone_number, contact_email, metadata)
VALUES ('Erase Co', '100000000009901', '200000000009901', '+4915100000099', 'erase.me@example.org',
        '{"plan": "starter", "billing_contact": "erase.me@example.org"}');
-- an action performed by the person while signed in leaves their identity in the audit log
SELECT set_config('app.user_email', 'erase.me@example.org', true) AS _ \gset
UPDATE marketing.leads SET job_title = 'CTO' WHERE email = 'erase.me@example.org';
UPDATE experiments.experiments SET description = 'Reviewed' WHERE key = 'whatsapp_template_wizard';
SELECT set_config('app.user_email', '', true) AS _ \gset

CREATE TEMP TABLE before_erasure AS
SELECT (SELECT count(*) FROM marketing.leads) AS leads,
       (SELECT count(*) FROM analytics.events) AS events,
       (SELECT count(*) FROM experiments.assignments) AS assignments,
       (SELECT count(*) FROM onboarding.sessions) AS sessions;

SELECT ok((SELECT count(*) >= 7 FROM pg_temp.traces('erase.me@example.org')), 'the email is spread over many tables before erasure');

-- ---------------------------------------------------------------- erase
SELECT lives_ok($$SELECT gdpr_delete_user_data('  Erase.Me@EXAMPLE.org ')$$, 'gdpr_delete_user_data runs (email given in another case)');

SELECT is((SELECT string_agg(tbl || '=' || hits, ', ') FROM pg_temp.traces('erase.me@example.org')), NULL,
          'no text/jsonb/bytea column of any table contains the email any more');
SELECT is((SELECT count(*)::int FROM pg_temp.traces('erase.me%40example.org')), 0, 'not even URL-encoded');
SELECT is((SELECT count(*)::int FROM marketing.leads WHERE id = '00000000-0000-4000-8000-0000000009d1'), 0, 'the lead is gone');
SELECT is((SELECT count(*)::int FROM onboarding.sessions WHERE session_token IN ('sess_erase_me_0001', 'sess_erase_me_0002')), 0,
          'linked and unlinked onboarding sessions are gone (activities cascade)');
SELECT is((SELECT count(*)::int FROM experiments.assignments WHERE user_id = '00000000-0000-4000-8000-0000000009d3'), 0, 'experiment assignments are gone');
SELECT is((SELECT count(*)::int FROM analytics.events WHERE session_id IN ('web_sess_erase', 'web_sess_erase_anon') OR anonymous_id = 'anon_erase_1'
           OR user_id = '00000000-0000-4000-8000-0000000009d3' OR lead_id = '00000000-0000-4000-8000-0000000009d1'), 0,
          'raw events linked by user, lead, session or anonymous id are gone (including the pre-identify page view)');
SELECT is((SELECT count(*) FROM analytics.events), (SELECT events FROM before_erasure) - 4, 'exactly the four personal events were removed');
SELECT is((SELECT count(*) FROM marketing.leads), (SELECT leads FROM before_erasure) - 1, 'other leads are untouched');
SELECT is((SELECT count(*)::int FROM analytics.rejected_events WHERE detail = 'unrelated'), 1, 'unrelated rejected events are kept');
SELECT results_eq($$SELECT business_name, contact_email, metadata FROM whatsapp.accounts WHERE waba_id = '100000000009901'$$,
                  $$VALUES ('Erase Co'::text, NULL::text, '{"plan": "starter"}'::jsonb)$$,
                  'the business''s WhatsApp account survives with the contact scrubbed');
SELECT ok(EXISTS (SELECT 1 FROM marketing.lead_interactions WHERE lead_id = 'a1000000-0000-4000-8000-000000000004') IS NOT NULL,
          'other leads'' interactions are still queryable');
SELECT results_eq($$SELECT new_data ->> 'email_sha256' FROM public.audit_log WHERE operation = 'GDPR_ERASURE'$$,
                  $$VALUES (encode(sha256(convert_to('erase.me@example.org', 'UTF8')), 'hex'))$$,
                  'the erasure is logged once, with only a SHA-256 of the email');
SELECT ok(EXISTS (SELECT 1 FROM public.audit_log WHERE app_identity LIKE 'erased:%' AND table_name = 'experiments'),
          'the person''s audit actor identity on surviving rows is pseudonymised');
SELECT ok(NOT EXISTS (SELECT 1 FROM public.audit_log WHERE row_id = '00000000-0000-4000-8000-0000000009d1' AND new_data ? 'email'),
          'audit images of the erased lead are removed');

SELECT * FROM finish();
ROLLBACK;
