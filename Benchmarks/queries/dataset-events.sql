-- Query-target dataset, part 2: events :from .. :to (psql -v from=1 -v to=1000000 -v total=10000000),
-- spread evenly over the last 30 days in time order (so each chunk fills a few daily partitions),
-- with the seed's type/name mix, properties, geography and devices (as 005_seed_data.sql).
INSERT INTO analytics.events (event_id, message_id, type, name, session_id, user_id, anonymous_id, occurred_at,
                              original_timestamp, sent_at, received_at, properties, context, transport, source_ip,
                              source_key, browser, os, device_type, country, page_url, page_path, referrer,
                              utm_source, utm_medium, utm_campaign, is_bot, created_at)
SELECT gen_random_uuid(), 'bench-' || n, ev.type::analytics.event_type, ev.name,
       'sess_' || (n / 7) % 400000, CASE WHEN n % 4 = 0 THEN 'user_' || (n / 7) % 99991 END, 'anon_' || (n / 7) % 400000,
       ts, ts, ts + interval '50 milliseconds', ts + interval '300 milliseconds', ev.props,
       '{"library":{"name":"eventd-js","version":"1.4.2"}}'::jsonb,
       (ARRAY['http', 'http', 'http', 'tcp', 'udp'])[1 + n % 5]::analytics.transport,
       ('198.51.100.' || n % 250)::inet, 'bench',
       (ARRAY['Chrome', 'Firefox', 'Safari', 'Safari', 'Googlebot'])[1 + n % 5],
       (ARRAY['Windows', 'macOS', 'iOS', 'Android', 'Other'])[1 + n % 5],
       (ARRAY['desktop', 'desktop', 'mobile', 'tablet', 'bot'])[1 + n % 5],
       (ARRAY['US', 'DE', 'GB', 'NL', 'FR', 'ES', 'IT', 'BR'])[1 + n % 8],
       'https://www.example.com' || ev.path, ev.path,
       (ARRAY['https://www.google.com/', 'https://www.linkedin.com/', NULL, 'https://news.ycombinator.com/', NULL])[1 + n % 5],
       (ARRAY['google', 'linkedin', NULL, 'newsletter', NULL])[1 + n % 5],
       (ARRAY['cpc', 'paid-social', NULL, 'email', NULL])[1 + n % 5],
       (ARRAY['whatsapp-reminders', 'enterprise-q3', NULL, 'spring-promo', NULL])[1 + n % 5],
       n % 5 = 4, ts + interval '1 second'
FROM generate_series(:from, :to) AS n
CROSS JOIN LATERAL (SELECT now() - interval '30 days' + (n::float8 / :total) * interval '30 days' AS ts, (n * 37) % 100 AS kind) s
CROSS JOIN LATERAL (SELECT
    CASE WHEN kind < 52 THEN 'page_view' WHEN kind < 67 THEN 'user_action' WHEN kind < 75 THEN 'form_submit'
         WHEN kind < 83 THEN 'onboarding' WHEN kind < 88 THEN 'experiment' WHEN kind < 92 THEN 'whatsapp'
         WHEN kind < 95 THEN 'conversion' WHEN kind < 97 THEN 'system' ELSE 'error' END AS type,
    CASE WHEN kind < 52 THEN (ARRAY['Home', 'Pricing', 'Features', 'Blog Post', 'Docs', 'Use Cases'])[1 + n % 6]
         WHEN kind < 67 THEN (ARRAY['cta_click', 'demo_request', 'pricing_toggle', 'video_play'])[1 + n % 4]
         WHEN kind < 75 THEN (ARRAY['lead_form', 'newsletter_signup'])[1 + n % 2]
         WHEN kind < 83 THEN (ARRAY['step_viewed', 'step_completed'])[1 + n % 2]
         WHEN kind < 88 THEN 'experiment_viewed'
         WHEN kind < 92 THEN (ARRAY['message_sent', 'message_delivered', 'message_read'])[1 + n % 3]
         WHEN kind < 95 THEN (ARRAY['signup', 'subscription_started'])[1 + n % 2]
         WHEN kind < 97 THEN 'heartbeat' ELSE 'js_error' END AS name,
    CASE WHEN kind < 52 THEN (ARRAY['/', '/pricing', '/features', '/blog/whatsapp-api-guide', '/docs', '/use-cases'])[1 + n % 6]
         WHEN kind < 75 THEN '/demo' WHEN kind < 83 THEN '/onboarding' ELSE '/app' END AS path,
    CASE WHEN kind < 52 THEN jsonb_build_object('title', 'Page ' || n % 6, 'load_ms', 300 + n % 900)
         WHEN kind < 67 THEN jsonb_build_object('element', 'button', 'value', 1 + n % 5)
         WHEN kind < 75 THEN jsonb_build_object('form', 'lead', 'fields', 3 + n % 4)
         WHEN kind < 83 THEN jsonb_build_object('step', (enum_range(NULL::onboarding.step))[1 + n % 5])
         WHEN kind < 88 THEN jsonb_build_object('experiment', 'homepage_hero_cta', 'variant', (ARRAY['control', 'book_demo'])[1 + n % 2])
         WHEN kind < 92 THEN jsonb_build_object('template', 'appointment_reminder', 'value', 0.005)
         WHEN kind < 95 THEN jsonb_build_object('plan', (ARRAY['starter', 'growth'])[1 + n % 2], 'revenue', (ARRAY[49, 149])[1 + n % 2], 'currency', 'EUR')
         WHEN kind < 97 THEN '{}'::jsonb
         ELSE jsonb_build_object('message', 'TypeError: cannot read properties of undefined', 'fatal', false) END AS props
) ev;
