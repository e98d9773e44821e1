-- 001_initial_schema.sql
-- Core structure: schemas, closed-set enums, the 11 business tables, the daemon's
-- COPY targets (analytics.events, analytics.rejected_events), the audit log and the
-- daily-partition helpers for analytics.events.
--
-- Runs as ONE simple-query call inside the migrator's transaction: no psql
-- meta-commands, no BEGIN/COMMIT, no CONCURRENTLY.  Requires PostgreSQL 15+
-- (UNIQUE NULLS NOT DISTINCT, gen_random_uuid() and sha256() are built in).

-- ---------------------------------------------------------------------------
-- Schemas
-- ---------------------------------------------------------------------------
CREATE SCHEMA IF NOT EXISTS marketing;
CREATE SCHEMA IF NOT EXISTS onboarding;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS experiments;
CREATE SCHEMA IF NOT EXISTS whatsapp;
CREATE SCHEMA IF NOT EXISTS eventd;

COMMENT ON SCHEMA marketing   IS 'Lead capture and CRM interaction tracking.';
COMMENT ON SCHEMA onboarding  IS 'Onboarding flow progress, keyed by an opaque session token.';
COMMENT ON SCHEMA analytics   IS 'Raw event stream written by the eventd daemon (COPY) plus rollup tables read by dashboards.';
COMMENT ON SCHEMA experiments IS 'A/B tests / feature flags and sticky variant assignments.';
COMMENT ON SCHEMA whatsapp    IS 'WhatsApp Business (Cloud API) accounts and message templates of converted customers.';
COMMENT ON SCHEMA eventd      IS 'Daemon bookkeeping (migration ledger, rollup watermarks); not business data.';

-- ---------------------------------------------------------------------------
-- Enums (every closed set is an enum so typos fail at write time)
-- ---------------------------------------------------------------------------
CREATE TYPE marketing.lead_status AS ENUM
    ('new', 'contacted', 'qualified', 'demo_scheduled', 'converted', 'lost', 'unsubscribed');
CREATE TYPE marketing.lead_source AS ENUM
    ('website-form', 'landing-page', 'demo-request', 'newsletter', 'referral', 'organic-search',
     'paid-search', 'social-media', 'whatsapp', 'event', 'partner', 'import', 'api', 'other');
CREATE TYPE marketing.company_size AS ENUM ('1-10', '11-50', '51-200', '201-1000', '1000+');
CREATE TYPE marketing.lawful_basis AS ENUM ('consent', 'contract', 'legitimate_interest');
CREATE TYPE marketing.interaction_type AS ENUM
    ('form_submission', 'email_sent', 'email_opened', 'email_clicked', 'call', 'meeting', 'demo',
     'whatsapp_message', 'note', 'status_change');
CREATE TYPE marketing.interaction_direction AS ENUM ('inbound', 'outbound', 'internal');

COMMENT ON TYPE marketing.lead_status IS 'Funnel position of a lead; converted = became a paying customer.';
COMMENT ON TYPE marketing.lead_source IS 'Acquisition channel; website-form is the default public form.';

-- Steps in flow order; the ORDER of the enum labels IS the flow order (auto-advance relies on it).
CREATE TYPE onboarding.step AS ENUM
    ('business_info', 'whatsapp_connection', 'bot_setup', 'templates', 'go_live');
CREATE TYPE onboarding.session_status AS ENUM ('in_progress', 'completed', 'abandoned');
CREATE TYPE onboarding.activity_type AS ENUM
    ('step_viewed', 'step_started', 'field_focused', 'field_completed', 'validation_error',
     'step_completed', 'step_skipped', 'help_opened', 'back_navigation');

COMMENT ON TYPE onboarding.step IS 'Onboarding steps; label order is the flow order used by auto-advancement.';

CREATE TYPE analytics.event_type AS ENUM
    ('page_view', 'user_action', 'form_submit', 'conversion', 'onboarding', 'experiment', 'whatsapp',
     'system', 'error', 'track', 'page', 'screen', 'identify', 'group', 'alias');
CREATE TYPE analytics.transport AS ENUM ('tcp', 'udp', 'http', 'sql', 'spool');
CREATE TYPE analytics.bucket_width AS ENUM ('minute', 'hour', 'day');

COMMENT ON TYPE analytics.event_type IS 'Closed set shared with the daemon (exact spelling): product types plus Segment-style calls.';
COMMENT ON TYPE analytics.transport IS 'How the event reached eventd; sql = inserted directly into the table.';
COMMENT ON TYPE analytics.bucket_width IS 'Rollup bucket granularity; labels are valid date_trunc() units.';

CREATE TYPE experiments.experiment_status AS ENUM ('draft', 'running', 'paused', 'completed', 'archived');

CREATE TYPE whatsapp.account_status AS ENUM ('pending', 'active', 'restricted', 'suspended', 'disconnected');
CREATE TYPE whatsapp.quality_rating AS ENUM ('green', 'yellow', 'red', 'unknown');
CREATE TYPE whatsapp.messaging_tier AS ENUM ('tier_50', 'tier_250', 'tier_1k', 'tier_10k', 'tier_100k', 'unlimited');
CREATE TYPE whatsapp.template_category AS ENUM ('marketing', 'utility', 'authentication');
CREATE TYPE whatsapp.template_status AS ENUM ('draft', 'pending', 'approved', 'rejected', 'paused', 'disabled');

-- ---------------------------------------------------------------------------
-- marketing
-- ---------------------------------------------------------------------------
CREATE TABLE marketing.leads (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email                text NOT NULL
        CONSTRAINT leads_email_length CHECK (char_length(email) BETWEEN 3 AND 254)
        CONSTRAINT leads_email_format CHECK (email ~* '^[A-Z0-9._%+''-]+@[A-Z0-9.-]+\.[A-Z]{2,}$')
        -- stored normalised (the 004 trigger lower()s and trim()s) so equality is enough
        CONSTRAINT leads_email_normalised CHECK (email = lower(btrim(email))),
    first_name           text CHECK (char_length(first_name) <= 100),
    last_name            text CHECK (char_length(last_name) <= 100),
    company_name         text CHECK (char_length(company_name) BETWEEN 1 AND 200),
    job_title            text CHECK (char_length(job_title) <= 150),
    phone                text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    website              text CHECK (char_length(website) <= 2048),
    company_size         marketing.company_size,
    industry             text CHECK (char_length(industry) <= 100),
    country              text CHECK (country ~ '^[A-Z]{2}$'),
    source               marketing.lead_source NOT NULL DEFAULT 'website-form',
    status               marketing.lead_status NOT NULL DEFAULT 'new',
    score                smallint NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    tags                 text[] NOT NULL DEFAULT '{}',
    utm_source           text CHECK (char_length(utm_source) <= 255),
    utm_medium           text CHECK (char_length(utm_medium) <= 255),
    utm_campaign         text CHECK (char_length(utm_campaign) <= 255),
    referrer             text CHECK (char_length(referrer) <= 2048),
    landing_page         text CHECK (char_length(landing_page) <= 2048),
    ip_address           inet,
    user_agent           text CHECK (char_length(user_agent) <= 1024),
    consent_marketing    boolean NOT NULL DEFAULT false,
    consent_given_at     timestamptz,
    consent_version      text CHECK (char_length(consent_version) <= 50),
    lawful_basis         marketing.lawful_basis NOT NULL DEFAULT 'legitimate_interest',
    data_retention_until date,
    submission_count     integer NOT NULL DEFAULT 1 CHECK (submission_count >= 1),
    last_submitted_at    timestamptz NOT NULL DEFAULT now(),
    converted_at         timestamptz,
    metadata             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- GDPR: marketing consent must be provable (when + which text version)
    CONSTRAINT leads_consent_recorded CHECK (NOT consent_marketing OR consent_given_at IS NOT NULL),
    CONSTRAINT leads_converted_has_time CHECK (status <> 'converted' OR converted_at IS NOT NULL)
);
COMMENT ON TABLE marketing.leads IS 'One row per person (deduplicated by normalised email); public forms insert here, repeated submissions merge.';
COMMENT ON COLUMN marketing.leads.email IS 'Normalised (lower-case, trimmed) email; unique. Personal data: erased by gdpr_delete_user_data().';
COMMENT ON COLUMN marketing.leads.ip_address IS 'Submitter IP (personal data) kept for abuse/rate limiting; erased with the lead.';
COMMENT ON COLUMN marketing.leads.consent_marketing IS 'Explicit opt-in to marketing communication (GDPR Art. 6(1)(a)).';
COMMENT ON COLUMN marketing.leads.consent_version IS 'Version of the consent text the person agreed to.';
COMMENT ON COLUMN marketing.leads.lawful_basis IS 'GDPR lawful basis under which the lead is processed.';
COMMENT ON COLUMN marketing.leads.data_retention_until IS 'Date after which the lead must be reviewed or erased.';
COMMENT ON COLUMN marketing.leads.submission_count IS 'How many times the form was submitted for this email (dedup merges increment it).';
COMMENT ON COLUMN marketing.leads.score IS 'Lead score 0..100 from CRM qualification.';
COMMENT ON COLUMN marketing.leads.metadata IS 'Free-form form fields that have no column yet (merged on re-submission).';

CREATE TABLE marketing.lead_interactions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- CASCADE: interactions only describe the lead; erasing the lead must erase them too (GDPR).
    lead_id          uuid NOT NULL REFERENCES marketing.leads (id) ON DELETE CASCADE,
    interaction_type marketing.interaction_type NOT NULL,
    direction        marketing.interaction_direction NOT NULL DEFAULT 'outbound',
    subject          text CHECK (char_length(subject) <= 500),
    content          text CHECK (char_length(content) <= 20000),
    outcome          text CHECK (char_length(outcome) <= 500),
    performed_by     text CHECK (char_length(performed_by) <= 255),
    duration_seconds integer CHECK (duration_seconds >= 0),
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    metadata         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE marketing.lead_interactions IS 'CRM touchpoints with a lead (emails, calls, demos, notes).';
COMMENT ON COLUMN marketing.lead_interactions.performed_by IS 'Staff member or automation that performed the interaction.';

-- ---------------------------------------------------------------------------
-- onboarding
-- ---------------------------------------------------------------------------
CREATE TABLE onboarding.sessions (
    id                               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    session_token                    text NOT NULL UNIQUE CHECK (char_length(session_token) BETWEEN 8 AND 255),
    -- SET NULL: onboarding may start before a lead exists; GDPR erasure deletes sessions explicitly.
    lead_id                          uuid REFERENCES marketing.leads (id) ON DELETE SET NULL,
    user_id                          uuid,
    current_step                     onboarding.step NOT NULL DEFAULT 'business_info',
    status                           onboarding.session_status NOT NULL DEFAULT 'in_progress',
    progress_percentage              smallint NOT NULL DEFAULT 0 CHECK (progress_percentage BETWEEN 0 AND 100),
    business_info                    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(business_info) = 'object'),
    started_at                       timestamptz NOT NULL DEFAULT now(),
    business_info_completed_at       timestamptz,
    whatsapp_connection_completed_at timestamptz,
    bot_setup_completed_at           timestamptz,
    templates_completed_at           timestamptz,
    go_live_completed_at             timestamptz,
    completed_at                     timestamptz,
    abandoned_at                     timestamptz,
    last_activity_at                 timestamptz NOT NULL DEFAULT now(),
    ip_address                       inet,
    user_agent                       text CHECK (char_length(user_agent) <= 1024),
    utm_source                       text CHECK (char_length(utm_source) <= 255),
    utm_campaign                     text CHECK (char_length(utm_campaign) <= 255),
    metadata                         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at                       timestamptz NOT NULL DEFAULT now(),
    updated_at                       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_completed_consistent CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CONSTRAINT sessions_abandoned_consistent CHECK (status <> 'abandoned' OR abandoned_at IS NOT NULL),
    CONSTRAINT sessions_activity_after_start CHECK (last_activity_at >= started_at)
);
COMMENT ON TABLE onboarding.sessions IS 'One onboarding journey; readable/updatable by whoever presents session_token (app.session_token).';
COMMENT ON COLUMN onboarding.sessions.session_token IS 'Opaque bearer token identifying the browser session; RLS compares it with app.session_token.';
COMMENT ON COLUMN onboarding.sessions.current_step IS 'Step the user is on; auto-advanced by trigger when that step gets a *_completed_at.';
COMMENT ON COLUMN onboarding.sessions.progress_percentage IS 'Share of steps with a *_completed_at, 0..100; maintained by trigger.';
COMMENT ON COLUMN onboarding.sessions.business_info IS 'Answers of the business_info step (company, contact, use case).';
COMMENT ON COLUMN onboarding.sessions.last_activity_at IS 'Last user activity; abandon_inactive_sessions() uses it.';
COMMENT ON COLUMN onboarding.sessions.user_id IS 'Auth user id once the person signed up (Supabase auth.users.id).';

CREATE TABLE onboarding.step_activities (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- CASCADE: activities are meaningless without their session (and are personal data with it).
    session_id    uuid NOT NULL REFERENCES onboarding.sessions (id) ON DELETE CASCADE,
    step          onboarding.step NOT NULL,
    activity_type onboarding.activity_type NOT NULL,
    field_name    text CHECK (char_length(field_name) <= 100),
    duration_ms   integer CHECK (duration_ms BETWEEN 0 AND 86400000),
    error_message text CHECK (char_length(error_message) <= 1000),
    metadata      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE onboarding.step_activities IS 'Fine-grained interactions inside an onboarding step (drop-off analysis); step_completed rows advance the session.';
COMMENT ON COLUMN onboarding.step_activities.duration_ms IS 'Time spent on the activity in milliseconds (max one day).';

-- ---------------------------------------------------------------------------
-- analytics: the raw stream (daemon COPY target; see CONTRACT.md for the column order)
-- ---------------------------------------------------------------------------
CREATE TABLE analytics.events (
    event_id           uuid NOT NULL DEFAULT gen_random_uuid(),
    message_id         text CHECK (char_length(message_id) <= 255),
    type               analytics.event_type NOT NULL,
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    session_id         text CHECK (char_length(session_id) <= 255),
    user_id            text CHECK (char_length(user_id) <= 255),
    anonymous_id       text CHECK (char_length(anonymous_id) <= 255),
    occurred_at        timestamptz NOT NULL DEFAULT now(),
    original_timestamp timestamptz NOT NULL DEFAULT now(),
    sent_at            timestamptz,
    received_at        timestamptz NOT NULL DEFAULT now(),
    properties         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    context            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
    transport          analytics.transport NOT NULL DEFAULT 'sql',
    source_ip          inet,
    source_key         text,
    user_agent         text,
    browser            text,
    os                 text,
    device_type        text,
    country            text,
    page_url           text,
    page_path          text,
    referrer           text,
    utm_source         text,
    utm_medium         text,
    utm_campaign       text,
    utm_term           text,
    utm_content        text,
    click_id           text,
    is_bot             boolean NOT NULL DEFAULT false,
    lead_id            uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, original_timestamp)
) PARTITION BY RANGE (original_timestamp);
COMMENT ON TABLE analytics.events IS 'Raw event stream, daily range partitions on original_timestamp (events_pYYYYMMDD) + events_default. Hot path: no row triggers, few indexes; dashboards read rollups.';
COMMENT ON COLUMN analytics.events.event_id IS 'Dedup key: client id parsed as UUID, hashed to UUIDv8, or generated.';
COMMENT ON COLUMN analytics.events.message_id IS 'Sender''s message id verbatim (<= 255 chars).';
COMMENT ON COLUMN analytics.events.occurred_at IS 'Skew-corrected event time; rollups bucket by this.';
COMMENT ON COLUMN analytics.events.original_timestamp IS 'Time claimed by the sender (received_at when none); partition key.';
COMMENT ON COLUMN analytics.events.received_at IS 'When the daemon received the event.';
COMMENT ON COLUMN analytics.events.transport IS 'Ingress path (tcp, udp, http, sql, spool).';
COMMENT ON COLUMN analytics.events.source_ip IS 'Sender IP, anonymised by default by the daemon.';
COMMENT ON COLUMN analytics.events.source_key IS 'Name of the write key / source, never the secret.';
COMMENT ON COLUMN analytics.events.device_type IS 'desktop | mobile | tablet | bot | other (derived from user_agent).';
COMMENT ON COLUMN analytics.events.country IS 'ISO 3166-1 alpha-2 country code.';
COMMENT ON COLUMN analytics.events.click_id IS 'Ad click id (gclid / fbclid / msclkid ...).';
COMMENT ON COLUMN analytics.events.lead_id IS 'marketing.leads.id when known; no FK (hot path); GDPR erasure removes the rows.';
COMMENT ON COLUMN analytics.events.created_at IS 'Row insert time (DB clock); process_pending_events() uses it as its watermark.';

CREATE TABLE analytics.events_default PARTITION OF analytics.events DEFAULT;
COMMENT ON TABLE analytics.events_default IS 'Catch-all partition; ensure_event_partitions() moves rows out when it creates the matching daily partition.';

CREATE TABLE analytics.rejected_events (
    received_at timestamptz NOT NULL DEFAULT now(),
    transport   analytics.transport NOT NULL,
    source_ip   inet,
    source_key  text,
    reason      text NOT NULL CHECK (reason ~ '^[a-z][a-z0-9_]{0,63}$'),
    detail      text,
    message_id  text,
    batch_index integer,
    raw         bytea CHECK (octet_length(raw) <= 8192),
    raw_size    integer NOT NULL CHECK (raw_size >= 0),
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
COMMENT ON TABLE analytics.rejected_events IS 'Dead letter: events the daemon refused, with reason code and a bounded raw prefix. Daemon COPYs here (column order = COPY list, id excluded).';
COMMENT ON COLUMN analytics.rejected_events.reason IS 'snake_case code from the daemon''s closed reject-reason set.';
COMMENT ON COLUMN analytics.rejected_events.detail IS 'Human sentence / server message explaining the refusal.';
COMMENT ON COLUMN analytics.rejected_events.batch_index IS 'Position of the event inside its batch, when it came in one.';
COMMENT ON COLUMN analytics.rejected_events.raw IS 'Prefix (<= 8 KiB) of the refused bytes, for debugging.';
COMMENT ON COLUMN analytics.rejected_events.raw_size IS 'Full size in bytes of the refused payload (raw may be truncated).';

-- ---------------------------------------------------------------------------
-- analytics rollups (filled by process_pending_events() now, a rollup worker later)
-- ---------------------------------------------------------------------------
CREATE TABLE analytics.event_aggregations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bucket_width      analytics.bucket_width NOT NULL,
    bucket_start      timestamptz NOT NULL,
    type              analytics.event_type NOT NULL,
    name              text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    transport         analytics.transport NOT NULL,
    country           text,
    device_type       text,
    event_count       bigint NOT NULL DEFAULT 0 CHECK (event_count >= 0),
    distinct_sessions bigint NOT NULL DEFAULT 0 CHECK (distinct_sessions >= 0),
    distinct_users    bigint NOT NULL DEFAULT 0 CHECK (distinct_users >= 0),
    value_sum         numeric NOT NULL DEFAULT 0,
    revenue_sum       numeric NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- NULL country/device_type are a real dimension value ("unknown"), so NULLs must collide.
    CONSTRAINT event_aggregations_bucket_key UNIQUE NULLS NOT DISTINCT
        (bucket_width, bucket_start, type, name, transport, country, device_type),
    CONSTRAINT event_aggregations_sessions_le_count CHECK (distinct_sessions <= event_count),
    CONSTRAINT event_aggregations_users_le_count CHECK (distinct_users <= event_count)
);
COMMENT ON TABLE analytics.event_aggregations IS 'Per-bucket event counts by (type, name, transport, country, device_type); dashboards read this, not analytics.events.';
COMMENT ON COLUMN analytics.event_aggregations.bucket_start IS 'Start of the bucket, date_trunc(bucket_width, occurred_at) in UTC.';
COMMENT ON COLUMN analytics.event_aggregations.distinct_sessions IS 'count(DISTINCT session_id) in the bucket (NULL session ids not counted).';
COMMENT ON COLUMN analytics.event_aggregations.distinct_users IS 'count(DISTINCT user_id) in the bucket (anonymous events not counted).';
COMMENT ON COLUMN analytics.event_aggregations.value_sum IS 'Sum of numeric properties.value.';
COMMENT ON COLUMN analytics.event_aggregations.revenue_sum IS 'Sum of numeric properties.revenue.';

CREATE TABLE analytics.metrics (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    metric_name  text NOT NULL CHECK (metric_name ~ '^[a-z][a-z0-9_.]{0,127}$'),
    bucket_width analytics.bucket_width NOT NULL,
    bucket_start timestamptz NOT NULL,
    dimensions   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(dimensions) = 'object'),
    value        numeric NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT metrics_bucket_key UNIQUE (metric_name, bucket_width, bucket_start, dimensions)
);
COMMENT ON TABLE analytics.metrics IS 'Named KPI values per time bucket and dimension set (e.g. leads.created by source); upserted by rollup jobs.';
COMMENT ON COLUMN analytics.metrics.dimensions IS 'Flat JSON object of dimension values; {} = overall total. Part of the unique key.';

-- ---------------------------------------------------------------------------
-- experiments
-- ---------------------------------------------------------------------------
CREATE TABLE experiments.experiments (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key                text NOT NULL UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{1,99}$'),
    name               text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    description        text CHECK (char_length(description) <= 5000),
    hypothesis         text CHECK (char_length(hypothesis) <= 5000),
    status             experiments.experiment_status NOT NULL DEFAULT 'draft',
    -- [{"key": "control", "weight": 50}, ...]; weights are relative.
    variants           jsonb NOT NULL DEFAULT '[{"key": "control", "weight": 50}, {"key": "treatment", "weight": 50}]'
        CHECK (jsonb_typeof(variants) = 'array' AND jsonb_array_length(variants) >= 2),
    traffic_allocation numeric(5, 2) NOT NULL DEFAULT 100 CHECK (traffic_allocation BETWEEN 0 AND 100),
    target_countries   text[] CHECK (target_countries IS NULL OR cardinality(target_countries) > 0),
    targeting          jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(targeting) = 'object'),
    primary_metric     text CHECK (char_length(primary_metric) <= 255),
    winning_variant    text,
    starts_at          timestamptz,
    ends_at            timestamptz,
    created_by         text CHECK (char_length(created_by) <= 255),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT experiments_window CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at),
    CONSTRAINT experiments_running_has_start CHECK (status <> 'running' OR starts_at IS NOT NULL)
);
COMMENT ON TABLE experiments.experiments IS 'A/B test definitions; auto_assign_experiments() buckets subjects into running ones.';
COMMENT ON COLUMN experiments.experiments.key IS 'Stable slug; part of the assignment hash, so never rename a running experiment.';
COMMENT ON COLUMN experiments.experiments.variants IS 'JSON array of {"key": text, "weight": number}; weights are relative shares.';
COMMENT ON COLUMN experiments.experiments.traffic_allocation IS 'Percent (0..100) of eligible subjects that enter the experiment.';
COMMENT ON COLUMN experiments.experiments.target_countries IS 'ISO alpha-2 countries eligible; NULL = everywhere.';
COMMENT ON COLUMN experiments.experiments.targeting IS 'Extra targeting rules for the application (documented per experiment).';

CREATE TABLE experiments.assignments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- CASCADE: an assignment has no meaning once its experiment definition is deleted.
    experiment_id uuid NOT NULL REFERENCES experiments.experiments (id) ON DELETE CASCADE,
    user_id       uuid,
    session_id    text CHECK (char_length(session_id) <= 255),
    variant       text NOT NULL CHECK (char_length(variant) BETWEEN 1 AND 100),
    bucket        integer NOT NULL CHECK (bucket BETWEEN 0 AND 9999),
    country       text CHECK (country ~ '^[A-Z]{2}$'),
    context       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(context) = 'object'),
    assigned_at   timestamptz NOT NULL DEFAULT now(),
    exposed_at    timestamptz,
    converted_at  timestamptz,
    CONSTRAINT assignments_has_subject CHECK (user_id IS NOT NULL OR session_id IS NOT NULL)
);
COMMENT ON TABLE experiments.assignments IS 'Sticky variant per (experiment, user) or, for anonymous subjects, per (experiment, session).';
COMMENT ON COLUMN experiments.assignments.bucket IS 'Deterministic hash bucket 0..9999 of (experiment key, subject); explains the decision.';
COMMENT ON COLUMN experiments.assignments.exposed_at IS 'First time the variant was actually shown.';
-- Stickiness is a correctness rule, so these live here rather than with the performance indexes.
CREATE UNIQUE INDEX assignments_experiment_user_key ON experiments.assignments (experiment_id, user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX assignments_experiment_session_key ON experiments.assignments (experiment_id, session_id)
    WHERE user_id IS NULL;

-- ---------------------------------------------------------------------------
-- whatsapp
-- ---------------------------------------------------------------------------
CREATE TABLE whatsapp.accounts (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- SET NULL: the WhatsApp Business account is the company's asset and outlives the erasure of its contact person.
    lead_id               uuid REFERENCES marketing.leads (id) ON DELETE SET NULL,
    -- SET NULL: the account survives clean-up of old onboarding sessions.
    onboarding_session_id uuid REFERENCES onboarding.sessions (id) ON DELETE SET NULL,
    business_name         text NOT NULL CHECK (char_length(business_name) BETWEEN 1 AND 200),
    waba_id               text NOT NULL UNIQUE CHECK (waba_id ~ '^[0-9]{5,30}$'),
    phone_number_id       text NOT NULL UNIQUE CHECK (phone_number_id ~ '^[0-9]{5,30}$'),
    display_phone_number  text NOT NULL CHECK (display_phone_number ~ '^\+[1-9][0-9]{6,14}$'),
    verified_name         text CHECK (char_length(verified_name) <= 200),
    status                whatsapp.account_status NOT NULL DEFAULT 'pending',
    quality_rating        whatsapp.quality_rating NOT NULL DEFAULT 'unknown',
    messaging_tier        whatsapp.messaging_tier NOT NULL DEFAULT 'tier_250',
    contact_email         text CHECK (contact_email ~* '^[A-Z0-9._%+''-]+@[A-Z0-9.-]+\.[A-Z]{2,}$'),
    access_token_ref      text CHECK (char_length(access_token_ref) <= 255),
    webhook_verified_at   timestamptz,
    timezone              text NOT NULL DEFAULT 'UTC' CHECK (char_length(timezone) <= 64),
    metadata              jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE whatsapp.accounts IS 'WhatsApp Business accounts (WABA + phone number) of converted customers.';
COMMENT ON COLUMN whatsapp.accounts.waba_id IS 'Meta WhatsApp Business Account id.';
COMMENT ON COLUMN whatsapp.accounts.phone_number_id IS 'Cloud API phone-number id used in the send endpoint.';
COMMENT ON COLUMN whatsapp.accounts.access_token_ref IS 'Name of the secret in the vault holding the access token; never the token itself.';
COMMENT ON COLUMN whatsapp.accounts.messaging_tier IS 'Meta business-initiated conversation limit tier.';
COMMENT ON COLUMN whatsapp.accounts.contact_email IS 'Technical contact (personal data; scrubbed by GDPR erasure).';

CREATE TABLE whatsapp.templates (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- CASCADE: templates are registered per WABA and cannot exist without it.
    account_id       uuid NOT NULL REFERENCES whatsapp.accounts (id) ON DELETE CASCADE,
    name             text NOT NULL CHECK (name ~ '^[a-z0-9_]+$' AND char_length(name) <= 512),
    language         text NOT NULL DEFAULT 'en_US' CHECK (language ~ '^[a-z]{2,3}(_[A-Z]{2})?$'),
    category         whatsapp.template_category NOT NULL,
    status           whatsapp.template_status NOT NULL DEFAULT 'draft',
    components       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(components) = 'array'),
    body_text        text NOT NULL CHECK (char_length(body_text) BETWEEN 1 AND 1024),
    meta_template_id text UNIQUE,
    rejection_reason text,
    submitted_at     timestamptz,
    approved_at      timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT templates_name_language_key UNIQUE (account_id, name, language),
    CONSTRAINT templates_rejected_has_reason CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CONSTRAINT templates_approved_has_time CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);
COMMENT ON TABLE whatsapp.templates IS 'Message templates submitted to Meta for approval, per account and language.';
COMMENT ON COLUMN whatsapp.templates.components IS 'Template components (header/body/footer/buttons) in Cloud API JSON shape.';
COMMENT ON COLUMN whatsapp.templates.body_text IS 'Body with {{n}} placeholders (max 1024 chars per Meta).';
COMMENT ON COLUMN whatsapp.templates.meta_template_id IS 'Id Meta assigned on submission.';

-- ---------------------------------------------------------------------------
-- Audit trail (written by public.audit_trigger() from 002)
-- ---------------------------------------------------------------------------
CREATE TABLE public.audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_user      text NOT NULL DEFAULT current_user,
    app_identity text,
    table_schema text NOT NULL,
    table_name   text NOT NULL,
    operation    text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE', 'GDPR_ERASURE', 'RETENTION')),
    row_id       text,
    old_data     jsonb,
    new_data     jsonb,
    changed_columns text[],
    txid         bigint NOT NULL DEFAULT txid_current()
);
COMMENT ON TABLE public.audit_log IS 'Append-only trail of modifications of business tables (who, when, what, before/after).';
COMMENT ON COLUMN public.audit_log.db_user IS 'PostgreSQL role that ran the statement (anon, authenticated, service_role, ...).';
COMMENT ON COLUMN public.audit_log.app_identity IS 'Application identity when known: JWT sub/email or app.user_email.';
COMMENT ON COLUMN public.audit_log.row_id IS 'Primary key of the modified row, as text.';
COMMENT ON COLUMN public.audit_log.changed_columns IS 'For UPDATE: columns whose value changed.';
COMMENT ON COLUMN public.audit_log.operation IS 'Row operation, or GDPR_ERASURE / RETENTION summary rows written by the maintenance functions.';

-- ---------------------------------------------------------------------------
-- Daily partitions for analytics.events
-- ---------------------------------------------------------------------------
CREATE FUNCTION analytics.ensure_event_partitions(p_days_behind int DEFAULT 1, p_days_ahead int DEFAULT 7)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, analytics
AS $fn$
-- Creates analytics.events_pYYYYMMDD for every UTC day in [today - behind, today + ahead]
-- that does not exist yet; returns how many it created.  Rows of that day already sitting in
-- events_default are moved into the new partition in the same transaction (CREATE ... PARTITION OF
-- would otherwise fail because the default partition holds rows of the new range).
DECLARE
    v_today   date := (now() AT TIME ZONE 'UTC')::date;
    v_day     date;
    v_name    text;
    v_from    timestamptz;
    v_to      timestamptz;
    v_created integer := 0;
BEGIN
    IF p_days_behind < 0 OR p_days_ahead < 0 THEN
        RAISE EXCEPTION 'ensure_event_partitions: day counts must be >= 0 (got % behind, % ahead)', p_days_behind, p_days_ahead
            USING ERRCODE = '22023';
    END IF;
    -- Two concurrent callers would race on CREATE TABLE; serialise them.
    PERFORM pg_advisory_xact_lock(hashtext('analytics.ensure_event_partitions'));
    FOR v_day IN SELECT d::date FROM generate_series(v_today - p_days_behind, v_today + p_days_ahead, interval '1 day') AS d LOOP
        v_name := 'events_p' || to_char(v_day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(format('analytics.%I', v_name)) IS NOT NULL;
        v_from := v_day::timestamp AT TIME ZONE 'UTC';
        v_to   := (v_day + 1)::timestamp AT TIME ZONE 'UTC';
        IF EXISTS (SELECT 1 FROM analytics.events_default
                   WHERE original_timestamp >= v_from AND original_timestamp < v_to) THEN
            EXECUTE format('CREATE TABLE analytics.%I (LIKE analytics.events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
            -- The bound CHECK lets ATTACH skip its validation scan.
            EXECUTE format('ALTER TABLE analytics.%I ADD CONSTRAINT %I CHECK (original_timestamp >= %L AND original_timestamp < %L)',
                           v_name, v_name || '_bounds', v_from, v_to);
            EXECUTE format('WITH moved AS (DELETE FROM analytics.events_default WHERE original_timestamp >= %L AND original_timestamp < %L RETURNING *)
                            INSERT INTO analytics.%I SELECT * FROM moved', v_from, v_to, v_name);
            EXECUTE format('ALTER TABLE analytics.events ATTACH PARTITION analytics.%I FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
            EXECUTE format('ALTER TABLE analytics.%I DROP CONSTRAINT %I', v_name, v_name || '_bounds');
        ELSE
            EXECUTE format('CREATE TABLE analytics.%I PARTITION OF analytics.events FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
        END IF;
        EXECUTE format('COMMENT ON TABLE analytics.%I IS %L', v_name, 'Daily partition of analytics.events for ' || v_day || ' (UTC).');
        v_created := v_created + 1;
    END LOOP;
    RETURN v_created;
END
$fn$;
COMMENT ON FUNCTION analytics.ensure_event_partitions(int, int) IS
    'Idempotently creates daily UTC partitions of analytics.events around today, moving matching rows out of events_default; returns the number created. Run daily (cron/daemon).';

CREATE FUNCTION analytics.drop_event_partitions(p_older_than interval DEFAULT '90 days')
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, analytics
AS $fn$
-- Detaches and drops every daily partition whose whole day ends at or before now() - p_older_than.
-- Whole-partition drops are O(1) and leave no dead tuples, unlike DELETE.
DECLARE
    v_cutoff  timestamptz := now() - p_older_than;
    v_part    record;
    v_dropped integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('analytics.ensure_event_partitions'));
    FOR v_part IN
        SELECT c.relname, to_date(substr(c.relname, 9), 'YYYYMMDD') AS day
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'analytics.events'::regclass
          AND c.relname ~ '^events_p[0-9]{8}$'
        ORDER BY c.relname
    LOOP
        CONTINUE WHEN ((v_part.day + 1)::timestamp AT TIME ZONE 'UTC') > v_cutoff;
        EXECUTE format('ALTER TABLE analytics.events DETACH PARTITION analytics.%I', v_part.relname);
        EXECUTE format('DROP TABLE analytics.%I', v_part.relname);
        v_dropped := v_dropped + 1;
    END LOOP;
    RETURN v_dropped;
END
$fn$;
COMMENT ON FUNCTION analytics.drop_event_partitions(interval) IS
    'Detaches and drops daily analytics.events partitions lying entirely before now() - p_older_than; returns how many were dropped.';

-- Cover the development seed's 30 days of history plus a week ahead.
SELECT analytics.ensure_event_partitions(31, 7);
