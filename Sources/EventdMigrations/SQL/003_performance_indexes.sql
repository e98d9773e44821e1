-- 003_performance_indexes.sql
-- Indexes for the expected load (100-500 leads/day, thousands of events/day, dashboards on rollups).
-- Each index carries a one-line "why".  Plain CREATE INDEX (no CONCURRENTLY): the migrator runs each
-- file inside one transaction, and at install time the tables are small.
-- analytics.events is the COPY hot path: every index there costs ingest throughput, so it gets only
-- four; dashboards read analytics.event_aggregations / analytics.metrics instead.

-- ---------------------------------------------------------------------------
-- marketing.leads
-- ---------------------------------------------------------------------------
-- why: one lead per person; dedup trigger, GDPR erasure and the "own lead" policy look up by normalised email (< 1 ms)
CREATE UNIQUE INDEX leads_email_normalised_key ON marketing.leads (lower(btrim(email)));
-- why: "leads of the last 30 days" reports and newest-first admin lists
CREATE INDEX leads_created_at_idx ON marketing.leads (created_at DESC);
-- why: conversion-funnel query filters created_at and groups by source, status
CREATE INDEX leads_source_status_created_idx ON marketing.leads (source, status, created_at);
-- why: sales work queue = open leads by last change; closed leads are most rows and never queried here (partial)
CREATE INDEX leads_open_pipeline_idx ON marketing.leads (status, updated_at DESC)
    WHERE status IN ('new', 'contacted', 'qualified', 'demo_scheduled');
-- why: abuse review / rate-limit forensics per submitting IP over time (partial: many leads have no IP)
CREATE INDEX leads_ip_created_idx ON marketing.leads (ip_address, created_at) WHERE ip_address IS NOT NULL;
-- why: segment filters like tags @> '{enterprise}'
CREATE INDEX leads_tags_gin ON marketing.leads USING gin (tags);
-- why: admin search on free-form form fields (metadata @> '{"plan": "pro"}')
CREATE INDEX leads_metadata_gin ON marketing.leads USING gin (metadata jsonb_path_ops);
-- why: campaign attribution reports by utm_campaign over time (partial: most leads are untagged)
CREATE INDEX leads_utm_campaign_idx ON marketing.leads (utm_campaign, created_at) WHERE utm_campaign IS NOT NULL;
-- why: "hot leads" list ordered by score among still-open leads
CREATE INDEX leads_open_score_idx ON marketing.leads (score DESC) WHERE status IN ('new', 'contacted', 'qualified');
-- why: GDPR retention review finds leads past their retention date
CREATE INDEX leads_retention_idx ON marketing.leads (data_retention_until) WHERE data_retention_until IS NOT NULL;
-- why: revenue / conversion reports by conversion date (partial: only converted leads)
CREATE INDEX leads_converted_at_idx ON marketing.leads (converted_at) WHERE converted_at IS NOT NULL;
-- why: marketing audience export may only include opted-in leads (partial on consent)
CREATE INDEX leads_consented_idx ON marketing.leads (consent_given_at) WHERE consent_marketing;
-- why: per-country lead distribution on the sales dashboard
CREATE INDEX leads_country_status_idx ON marketing.leads (country, status) WHERE country IS NOT NULL;

-- ---------------------------------------------------------------------------
-- marketing.lead_interactions / lead_rate_limits
-- ---------------------------------------------------------------------------
-- why: a lead's CRM timeline (newest first); also serves the FK for ON DELETE CASCADE
CREATE INDEX lead_interactions_lead_time_idx ON marketing.lead_interactions (lead_id, occurred_at DESC);
-- why: activity reports per interaction type over a period
CREATE INDEX lead_interactions_type_time_idx ON marketing.lead_interactions (interaction_type, occurred_at);
-- why: per-salesperson activity (partial: automated interactions have no performer)
CREATE INDEX lead_interactions_performer_idx ON marketing.lead_interactions (performed_by, occurred_at)
    WHERE performed_by IS NOT NULL;
-- why: cleanup_old_data() deletes expired rate-limit windows by start time
CREATE INDEX lead_rate_limits_window_idx ON marketing.lead_rate_limits (window_start);

-- ---------------------------------------------------------------------------
-- onboarding.sessions / step_activities
-- ---------------------------------------------------------------------------
-- why: FK to leads (ON DELETE SET NULL scan) and GDPR erasure by lead (partial: anonymous sessions)
CREATE INDEX sessions_lead_idx ON onboarding.sessions (lead_id) WHERE lead_id IS NOT NULL;
-- why: abandon_inactive_sessions() scans only in-progress sessions by last activity (partial)
CREATE INDEX sessions_inactive_idx ON onboarding.sessions (last_activity_at) WHERE status = 'in_progress';
-- why: drop-off analysis filters started_at and groups by step/status; INCLUDE makes it index-only
CREATE INDEX sessions_started_idx ON onboarding.sessions (started_at) INCLUDE (current_step, status, progress_percentage);
-- why: signed-up user's onboarding lookup (partial: before sign-up there is no user id)
CREATE INDEX sessions_user_idx ON onboarding.sessions (user_id) WHERE user_id IS NOT NULL;
-- why: completion-time reports (partial: completed sessions only)
CREATE INDEX sessions_completed_idx ON onboarding.sessions (completed_at) WHERE status = 'completed';
-- why: re-engagement campaigns target recently abandoned sessions (partial)
CREATE INDEX sessions_abandoned_idx ON onboarding.sessions (abandoned_at) WHERE status = 'abandoned';
-- why: GDPR erasure finds sessions by the contact email stored in business_info (@> containment)
CREATE INDEX sessions_business_info_gin ON onboarding.sessions USING gin (business_info jsonb_path_ops);
-- why: funnel board groups in-progress sessions by current step
CREATE INDEX sessions_step_status_idx ON onboarding.sessions (current_step, status);

-- why: a session's activity timeline; also serves the FK for ON DELETE CASCADE
CREATE INDEX step_activities_session_time_idx ON onboarding.step_activities (session_id, occurred_at);
-- why: step drop-off funnel counts activity types per step over time
CREATE INDEX step_activities_step_type_idx ON onboarding.step_activities (step, activity_type, occurred_at);
-- why: retention deletes and time-range scans on an append-only table (BRIN is tiny)
CREATE INDEX step_activities_occurred_brin ON onboarding.step_activities USING brin (occurred_at);
-- why: form-error analysis per field (partial: validation errors are rare)
CREATE INDEX step_activities_validation_idx ON onboarding.step_activities (step, field_name)
    WHERE activity_type = 'validation_error';

-- ---------------------------------------------------------------------------
-- analytics.events (hot path: four indexes, all cheap to maintain)
-- ---------------------------------------------------------------------------
-- why: time-range scans and process_pending_events() bucket recomputation; BRIN costs ~nothing on append
CREATE INDEX events_occurred_brin ON analytics.events USING brin (occurred_at);
-- why: session replay / funnel per session and GDPR erasure by session id (partial: server events have none)
CREATE INDEX events_session_time_idx ON analytics.events (session_id, occurred_at) WHERE session_id IS NOT NULL;
-- why: per-user timelines and GDPR erasure by user id (partial: most events are anonymous)
CREATE INDEX events_user_time_idx ON analytics.events (user_id, occurred_at) WHERE user_id IS NOT NULL;
-- why: ad-hoc "how many X per day" queries on raw data not yet rolled up (recent buckets)
CREATE INDEX events_type_name_time_idx ON analytics.events (type, name, occurred_at);

-- ---------------------------------------------------------------------------
-- analytics.rejected_events (contract: BRIN(received_at), btree(reason, received_at))
-- ---------------------------------------------------------------------------
-- why: time-range browsing and retention deletes of the dead letter table
CREATE INDEX rejected_events_received_brin ON analytics.rejected_events USING brin (received_at);
-- why: "why are events being rejected" per reason over time
CREATE INDEX rejected_events_reason_time_idx ON analytics.rejected_events (reason, received_at);

-- ---------------------------------------------------------------------------
-- analytics rollups
-- ---------------------------------------------------------------------------
-- why: dashboard chart of one event name over time (unique key leads with bucket_start, not name)
CREATE INDEX event_aggregations_name_time_idx ON analytics.event_aggregations (bucket_width, name, bucket_start);
-- why: dashboard chart per event type over time
CREATE INDEX event_aggregations_type_time_idx ON analytics.event_aggregations (bucket_width, type, bucket_start);
-- why: geo dashboards (partial: rows without a country are not shown on the map)
CREATE INDEX event_aggregations_country_idx ON analytics.event_aggregations (bucket_width, country, bucket_start)
    WHERE country IS NOT NULL;
-- why: cleanup_old_data() drops expired minute buckets (partial: hour/day buckets are kept longer)
CREATE INDEX event_aggregations_minute_idx ON analytics.event_aggregations (bucket_start) WHERE bucket_width = 'minute';
-- why: dashboards filter metrics by dimension values (dimensions @> '{"source": "website-form"}')
CREATE INDEX metrics_dimensions_gin ON analytics.metrics USING gin (dimensions jsonb_path_ops);
-- why: "all metrics of the last N hours" overview independent of metric name
CREATE INDEX metrics_bucket_start_brin ON analytics.metrics USING brin (bucket_start);
-- why: latest value of every metric (ORDER BY updated_at DESC) for freshness checks
CREATE INDEX metrics_updated_idx ON analytics.metrics (updated_at DESC);

-- ---------------------------------------------------------------------------
-- experiments
-- ---------------------------------------------------------------------------
-- why: auto_assign_experiments() reads only running experiments within their window (partial)
CREATE INDEX experiments_running_idx ON experiments.experiments (starts_at, ends_at) WHERE status = 'running';
-- why: country targeting lookups (target_countries @> ARRAY['US'])
CREATE INDEX experiments_target_countries_gin ON experiments.experiments USING gin (target_countries);
-- why: experiment list filtered by status, newest first
CREATE INDEX experiments_status_created_idx ON experiments.experiments (status, created_at DESC);

-- why: all assignments of a user (the unique key leads with experiment_id) and GDPR erasure
CREATE INDEX assignments_user_idx ON experiments.assignments (user_id) WHERE user_id IS NOT NULL;
-- why: anonymous assignment lookup and GDPR erasure by session id
CREATE INDEX assignments_session_idx ON experiments.assignments (session_id) WHERE session_id IS NOT NULL;
-- why: per-variant sample sizes for experiment results
CREATE INDEX assignments_experiment_variant_idx ON experiments.assignments (experiment_id, variant);
-- why: per-variant conversion counts (partial: only converted assignments)
CREATE INDEX assignments_converted_idx ON experiments.assignments (experiment_id, variant, converted_at)
    WHERE converted_at IS NOT NULL;
-- why: assignment volume over time (sample-ratio-mismatch monitoring); BRIN on append-only data
CREATE INDEX assignments_assigned_brin ON experiments.assignments USING brin (assigned_at);

-- ---------------------------------------------------------------------------
-- whatsapp
-- ---------------------------------------------------------------------------
-- why: FK to leads (ON DELETE SET NULL) and customer → account lookup
CREATE INDEX accounts_lead_idx ON whatsapp.accounts (lead_id) WHERE lead_id IS NOT NULL;
-- why: FK to onboarding sessions (ON DELETE SET NULL would otherwise scan)
CREATE INDEX accounts_session_idx ON whatsapp.accounts (onboarding_session_id) WHERE onboarding_session_id IS NOT NULL;
-- why: ops board of accounts needing attention (partial: healthy accounts are the majority)
CREATE INDEX accounts_attention_idx ON whatsapp.accounts (status, updated_at)
    WHERE status IN ('pending', 'restricted', 'suspended', 'disconnected');
-- why: GDPR erasure scrubs the technical contact by email
CREATE INDEX accounts_contact_email_idx ON whatsapp.accounts (lower(contact_email)) WHERE contact_email IS NOT NULL;
-- why: quality monitoring of low-rated numbers (partial)
CREATE INDEX accounts_quality_idx ON whatsapp.accounts (quality_rating) WHERE quality_rating IN ('yellow', 'red');

-- why: approval poller fetches templates waiting on Meta, oldest first (partial)
CREATE INDEX templates_pending_idx ON whatsapp.templates (submitted_at) WHERE status = 'pending';
-- why: template picker lists approved templates of an account by category
CREATE INDEX templates_account_category_idx ON whatsapp.templates (account_id, category) WHERE status = 'approved';
-- why: template search by component content (components @> '[{"type": "BUTTONS"}]')
CREATE INDEX templates_components_gin ON whatsapp.templates USING gin (components jsonb_path_ops);

-- ---------------------------------------------------------------------------
-- public.audit_log
-- ---------------------------------------------------------------------------
-- why: time-range browsing and retention deletes of an append-only table
CREATE INDEX audit_log_occurred_brin ON public.audit_log USING brin (occurred_at);
-- why: history of one row ("who changed lead X") and GDPR erasure of a row's images
CREATE INDEX audit_log_row_idx ON public.audit_log (table_schema, table_name, row_id, occurred_at);
-- why: "what did this identity do" and GDPR pseudonymisation of the actor (partial: system writes have none)
CREATE INDEX audit_log_identity_idx ON public.audit_log (app_identity) WHERE app_identity IS NOT NULL;
-- why: GDPR_ERASURE log lookups (partial: rare operation)
CREATE INDEX audit_log_erasure_idx ON public.audit_log (occurred_at) WHERE operation = 'GDPR_ERASURE';
