-- 004_functions_triggers.sql
-- Business logic: updated_at maintenance, lead normalisation + dedup merge, onboarding progress and
-- auto-advancement, experiment assignment, GDPR erasure, retention, session abandonment, the
-- placeholder rollup (process_pending_events) and monitoring views.
-- Every SECURITY DEFINER function pins search_path so callers cannot redirect unqualified names.
-- Functions the spec calls unqualified live in public.

-- ---------------------------------------------------------------------------
-- updated_at
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.set_updated_at() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $fn$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION public.set_updated_at() IS 'BEFORE UPDATE trigger: stamps updated_at.';

CREATE TRIGGER leads_set_updated_at BEFORE UPDATE ON marketing.leads
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER sessions_set_updated_at BEFORE UPDATE ON onboarding.sessions
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER experiments_set_updated_at BEFORE UPDATE ON experiments.experiments
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER accounts_set_updated_at BEFORE UPDATE ON whatsapp.accounts
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE TRIGGER templates_set_updated_at BEFORE UPDATE ON whatsapp.templates
    FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- ---------------------------------------------------------------------------
-- Leads: normalisation and dedup merge
-- ---------------------------------------------------------------------------
CREATE FUNCTION marketing.leads_normalise_dedup() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- anon cannot SELECT/UPDATE leads, but its re-submission must still merge
SET search_path = pg_catalog, marketing
AS $fn$
DECLARE
    v_existing marketing.leads%ROWTYPE;
BEGIN
    NEW.email := lower(btrim(NEW.email));
    NEW.company_name := nullif(btrim(NEW.company_name), '');
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;

    SELECT * INTO v_existing FROM marketing.leads WHERE lower(btrim(email)) = NEW.email FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;

    -- Same person submitted again: keep what we know, fill gaps from the new submission, remember
    -- the newest consent, and skip the INSERT (RETURN NULL) so the caller sees success, not 23505.
    UPDATE marketing.leads SET
        first_name        = coalesce(first_name, NEW.first_name),
        last_name         = coalesce(last_name, NEW.last_name),
        company_name      = coalesce(company_name, NEW.company_name),
        job_title         = coalesce(job_title, NEW.job_title),
        phone             = coalesce(phone, NEW.phone),
        website           = coalesce(website, NEW.website),
        company_size      = coalesce(company_size, NEW.company_size),
        industry          = coalesce(industry, NEW.industry),
        country           = coalesce(country, NEW.country),
        utm_source        = coalesce(utm_source, NEW.utm_source),
        utm_medium        = coalesce(utm_medium, NEW.utm_medium),
        utm_campaign      = coalesce(utm_campaign, NEW.utm_campaign),
        tags              = ARRAY(SELECT DISTINCT t FROM unnest(tags || NEW.tags) AS t ORDER BY t),
        metadata          = metadata || NEW.metadata,
        ip_address        = coalesce(NEW.ip_address, ip_address),
        user_agent        = coalesce(NEW.user_agent, user_agent),
        consent_marketing = consent_marketing OR NEW.consent_marketing,
        consent_given_at  = CASE WHEN NEW.consent_marketing THEN coalesce(NEW.consent_given_at, now()) ELSE consent_given_at END,
        consent_version   = CASE WHEN NEW.consent_marketing THEN coalesce(NEW.consent_version, consent_version) ELSE consent_version END,
        submission_count  = submission_count + 1,
        last_submitted_at = now()
    WHERE id = v_existing.id;

    INSERT INTO marketing.lead_interactions (lead_id, interaction_type, direction, subject, metadata)
    VALUES (v_existing.id, 'form_submission', 'inbound', 'Repeated form submission (merged)',
            jsonb_build_object('source', NEW.source, 'submission', v_existing.submission_count + 1));
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION marketing.leads_normalise_dedup() IS
    'BEFORE INSERT/UPDATE on leads: lower()+trim() the email; an INSERT of a known email merges into the existing row and is skipped. Concurrent first inserts of one email may still raise 23505.';

-- Fires after leads_10_rate_limit (trigger names sort alphabetically).
CREATE TRIGGER leads_20_normalise_dedup BEFORE INSERT OR UPDATE OF email, company_name ON marketing.leads
    FOR EACH ROW EXECUTE FUNCTION marketing.leads_normalise_dedup();

-- ---------------------------------------------------------------------------
-- Onboarding: progress percentage and auto-advancement
-- ---------------------------------------------------------------------------
CREATE FUNCTION onboarding.sessions_progress() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, onboarding
AS $fn$
DECLARE
    v_row      jsonb := to_jsonb(NEW);
    v_steps    onboarding.step[] := enum_range(NULL::onboarding.step);
    v_done     int := 0;
    v_step     onboarding.step;
    v_next     onboarding.step;
    v_activity boolean;
BEGIN
    FOREACH v_step IN ARRAY v_steps LOOP
        IF v_row ->> (v_step::text || '_completed_at') IS NOT NULL THEN
            v_done := v_done + 1;
        END IF;
    END LOOP;
    NEW.progress_percentage := round(100.0 * v_done / array_length(v_steps, 1));

    IF TG_OP = 'UPDATE' THEN
        v_activity := NEW.current_step IS DISTINCT FROM OLD.current_step
            OR NEW.progress_percentage IS DISTINCT FROM OLD.progress_percentage
            OR NEW.business_info IS DISTINCT FROM OLD.business_info;
        IF v_activity AND NEW.last_activity_at IS NOT DISTINCT FROM OLD.last_activity_at THEN
            NEW.last_activity_at := greatest(now(), NEW.started_at);
        END IF;
        -- Activity on an abandoned session resumes it (unless the caller sets the status itself).
        IF v_activity AND OLD.status = 'abandoned' AND NEW.status = 'abandoned' THEN
            NEW.status := 'in_progress';
            NEW.abandoned_at := NULL;
        END IF;
    END IF;

    IF v_done = array_length(v_steps, 1) THEN
        NEW.current_step := v_steps[array_upper(v_steps, 1)];
        NEW.status := 'completed';
        NEW.completed_at := coalesce(NEW.completed_at, now());
        NEW.abandoned_at := NULL;
        RETURN NEW;
    END IF;
    IF NEW.status = 'completed' THEN  -- a step was un-completed
        NEW.status := 'in_progress';
        NEW.completed_at := NULL;
    END IF;

    -- Auto-advance: once the current step is completed, move to the next incomplete step after it
    -- (wrapping to the first incomplete one).  An explicitly chosen, not yet completed step is kept.
    IF v_row ->> (NEW.current_step::text || '_completed_at') IS NOT NULL THEN
        SELECT s INTO v_next
        FROM unnest(v_steps) WITH ORDINALITY AS u(s, ord)
        WHERE v_row ->> (s::text || '_completed_at') IS NULL
        ORDER BY (s <= NEW.current_step), ord
        LIMIT 1;
        NEW.current_step := v_next;
    END IF;
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION onboarding.sessions_progress() IS
    'BEFORE INSERT/UPDATE on sessions: progress_percentage = completed steps / all steps; advances current_step past completed steps; completes the session when all steps are done; bumps last_activity_at.';

CREATE TRIGGER sessions_progress BEFORE INSERT OR UPDATE ON onboarding.sessions
    FOR EACH ROW EXECUTE FUNCTION onboarding.sessions_progress();

CREATE FUNCTION onboarding.step_activity_advance() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- the activity insert already passed RLS for this session; the session update must not depend on UPDATE grants
SET search_path = pg_catalog, onboarding
AS $fn$
BEGIN
    IF NEW.activity_type = 'step_completed' THEN
        EXECUTE format('UPDATE onboarding.sessions SET %1$I = coalesce(%1$I, $2), last_activity_at = greatest(last_activity_at, $2) WHERE id = $1',
                       NEW.step::text || '_completed_at')
            USING NEW.session_id, NEW.occurred_at;
    ELSE
        UPDATE onboarding.sessions SET last_activity_at = NEW.occurred_at
        WHERE id = NEW.session_id AND last_activity_at < NEW.occurred_at;
    END IF;
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION onboarding.step_activity_advance() IS
    'AFTER INSERT on step_activities: a step_completed activity stamps <step>_completed_at (driving progress/auto-advance); any activity refreshes last_activity_at.';

CREATE TRIGGER step_activities_advance_session AFTER INSERT ON onboarding.step_activities
    FOR EACH ROW EXECUTE FUNCTION onboarding.step_activity_advance();

-- ---------------------------------------------------------------------------
-- Experiments: variant validation and deterministic assignment
-- ---------------------------------------------------------------------------
CREATE FUNCTION experiments.validate_variants() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(NEW.variants) v
               WHERE jsonb_typeof(v -> 'key') IS DISTINCT FROM 'string'
                  OR jsonb_typeof(v -> 'weight') IS DISTINCT FROM 'number'
                  OR (v ->> 'weight')::numeric < 0)
       OR (SELECT count(DISTINCT v ->> 'key') <> count(*) FROM jsonb_array_elements(NEW.variants) v)
       OR (SELECT sum((v ->> 'weight')::numeric) FROM jsonb_array_elements(NEW.variants) v) <= 0 THEN
        RAISE EXCEPTION 'experiment %: variants must be an array of {"key": unique text, "weight": number >= 0} with a positive total weight', NEW.key
            USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER experiments_validate_variants BEFORE INSERT OR UPDATE OF variants ON experiments.experiments
    FOR EACH ROW EXECUTE FUNCTION experiments.validate_variants();

CREATE FUNCTION experiments.hash_bucket(p_input text, p_buckets int DEFAULT 10000) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$ SELECT (('x' || left(md5(p_input), 8))::bit(32)::bigint % p_buckets)::int $$;
COMMENT ON FUNCTION experiments.hash_bucket(text, int) IS
    'Deterministic, version-independent bucket 0..p_buckets-1 from the first 32 bits of md5(input).';

CREATE FUNCTION public.auto_assign_experiments(user_id uuid, session_id text DEFAULT NULL, country text DEFAULT NULL)
RETURNS SETOF experiments.assignments
LANGUAGE plpgsql
SECURITY DEFINER  -- anon/authenticated callers may not read or write assignments directly
SET search_path = pg_catalog, experiments
AS $fn$
#variable_conflict use_column
-- For every running experiment: return the subject's existing assignment (sticky), else decide
-- deterministically:  bucket = hash(key:subject) % 10000 must be < traffic_allocation * 100, the
-- country must be targeted (target_countries NULL = all), and the variant is picked from a second,
-- independent hash against the cumulative variant weights.  Subject = user_id, else session_id.
DECLARE
    v_user    uuid := auto_assign_experiments.user_id;
    v_session text := nullif(auto_assign_experiments.session_id, '');
    v_country text := upper(nullif(btrim(auto_assign_experiments.country), ''));
    v_subject text := coalesce(auto_assign_experiments.user_id::text, nullif(auto_assign_experiments.session_id, ''));
    v_exp     experiments.experiments%ROWTYPE;
    v_asg     experiments.assignments%ROWTYPE;
    v_bucket  int;
    v_point   numeric;
    v_total   numeric;
    v_variant text;
BEGIN
    IF v_subject IS NULL THEN
        RAISE EXCEPTION 'auto_assign_experiments: user_id or session_id is required' USING ERRCODE = '22004';
    END IF;
    FOR v_exp IN
        SELECT * FROM experiments.experiments e
        WHERE e.status = 'running' AND e.starts_at <= now() AND (e.ends_at IS NULL OR e.ends_at > now())
        ORDER BY e.key
    LOOP
        v_asg := NULL;
        IF v_user IS NOT NULL THEN
            SELECT * INTO v_asg FROM experiments.assignments a WHERE a.experiment_id = v_exp.id AND a.user_id = v_user;
            IF v_asg.id IS NULL AND v_session IS NOT NULL THEN
                -- The anonymous session signed in: carry its assignment over to the user.
                UPDATE experiments.assignments a SET user_id = v_user
                WHERE a.experiment_id = v_exp.id AND a.user_id IS NULL AND a.session_id = v_session
                RETURNING * INTO v_asg;
            END IF;
        ELSE
            SELECT * INTO v_asg FROM experiments.assignments a
            WHERE a.experiment_id = v_exp.id AND a.user_id IS NULL AND a.session_id = v_session;
        END IF;
        IF v_asg.id IS NOT NULL THEN
            RETURN NEXT v_asg;
            CONTINUE;
        END IF;

        CONTINUE WHEN v_exp.target_countries IS NOT NULL
                  AND (v_country IS NULL OR NOT v_country = ANY (v_exp.target_countries));
        v_bucket := experiments.hash_bucket(v_exp.key || ':' || v_subject);
        CONTINUE WHEN v_bucket >= v_exp.traffic_allocation * 100;

        SELECT sum((v ->> 'weight')::numeric) INTO v_total FROM jsonb_array_elements(v_exp.variants) v;
        v_point := experiments.hash_bucket(v_exp.key || ':variant:' || v_subject) / 10000.0 * v_total;
        SELECT x.k INTO v_variant
        FROM (SELECT v ->> 'key' AS k,
                     sum((v ->> 'weight')::numeric) OVER (ORDER BY ord) AS upto
              FROM jsonb_array_elements(v_exp.variants) WITH ORDINALITY AS t(v, ord)) x
        WHERE x.upto > v_point
        ORDER BY x.upto
        LIMIT 1;

        INSERT INTO experiments.assignments (experiment_id, user_id, session_id, variant, bucket, country)
        VALUES (v_exp.id, v_user, v_session, v_variant, v_bucket, v_country)
        ON CONFLICT DO NOTHING
        RETURNING * INTO v_asg;
        IF v_asg.id IS NULL THEN  -- lost a race with a concurrent call: return the winner's row
            SELECT * INTO v_asg FROM experiments.assignments a
            WHERE a.experiment_id = v_exp.id
              AND ((v_user IS NOT NULL AND a.user_id = v_user)
                   OR (v_user IS NULL AND a.user_id IS NULL AND a.session_id = v_session));
        END IF;
        RETURN NEXT v_asg;
    END LOOP;
    RETURN;
END
$fn$;
COMMENT ON FUNCTION public.auto_assign_experiments(uuid, text, text) IS
    'Assigns the subject (user_id, else session_id) to every running, targeted experiment it falls into; sticky and deterministic (md5 buckets). Returns the assignments.';

-- ---------------------------------------------------------------------------
-- GDPR: right to erasure
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.gdpr_delete_user_data(email text) RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER  -- must reach every schema regardless of the caller's RLS
SET search_path = pg_catalog, public
AS $fn$
#variable_conflict use_column
-- Deletes every row about the person (lead, CRM history, onboarding, assignments, raw events,
-- rejected payloads, rate-limit counters, audit images), scrubs the contact from WhatsApp accounts
-- (the business account itself stays), and logs a GDPR_ERASURE audit row holding only a SHA-256 of
-- the email.  Raw events are matched by lead_id, user/session/anonymous ids and by the email appearing
-- anywhere in the row: a full scan of analytics.events, acceptable for a rare, legally required task.
DECLARE
    v_email    text := lower(btrim(gdpr_delete_user_data.email));
    v_hash     text;
    v_leads    uuid[];
    v_sess     uuid[];
    v_tokens   text[];
    v_users    uuid[];
    v_ids      text[];   -- every id the person's data may be keyed by in analytics.events
    v_anon     text[];
    v_rowids   text[];
    v_counts   jsonb := '{}';
    v_n        bigint;
    v_prev     text := current_setting('eventd.maintenance', true);
BEGIN
    IF v_email IS NULL OR v_email = '' THEN
        RAISE EXCEPTION 'gdpr_delete_user_data: an email is required' USING ERRCODE = '22004';
    END IF;
    v_hash := encode(sha256(convert_to(v_email, 'UTF8')), 'hex');
    PERFORM set_config('eventd.maintenance', 'gdpr_erasure', true);

    SELECT coalesce(array_agg(id), '{}') INTO v_leads FROM marketing.leads WHERE lower(btrim(email)) = v_email;
    SELECT coalesce(array_agg(id), '{}'), coalesce(array_agg(session_token), '{}'),
           coalesce(array_agg(user_id) FILTER (WHERE user_id IS NOT NULL), '{}')
      INTO v_sess, v_tokens, v_users
      FROM onboarding.sessions
     WHERE lead_id = ANY (v_leads) OR lower(business_info ->> 'email') = v_email;

    v_ids := v_leads::text[] || v_users::text[] || v_sess::text[] || v_tokens || ARRAY[v_email];
    -- Session and anonymous ids the person used while identified.
    SELECT coalesce(array_agg(DISTINCT x), '{}') INTO v_anon
    FROM (SELECT e.anonymous_id AS x FROM analytics.events e
          WHERE e.lead_id = ANY (v_leads) OR e.user_id = ANY (v_ids)
          UNION
          SELECT e.session_id FROM analytics.events e
          WHERE e.lead_id = ANY (v_leads) OR e.user_id = ANY (v_ids)
          UNION
          SELECT a.session_id FROM experiments.assignments a WHERE a.user_id = ANY (v_users)) s
    WHERE x IS NOT NULL;
    v_ids := v_ids || v_anon;

    DELETE FROM analytics.events e
    WHERE e.lead_id = ANY (v_leads) OR e.user_id = ANY (v_ids) OR e.session_id = ANY (v_ids)
       OR e.anonymous_id = ANY (v_ids) OR strpos(lower(e::text), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('analytics.events', v_n);

    DELETE FROM analytics.rejected_events r
    WHERE strpos(lower(concat_ws(' ', r.detail, r.message_id, r.source_key)), v_email) > 0
       OR strpos(lower(encode(r.raw, 'escape')), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('analytics.rejected_events', v_n);

    DELETE FROM experiments.assignments a
    WHERE a.user_id = ANY (v_users) OR a.session_id = ANY (v_ids) OR strpos(lower(a.context::text), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('experiments.assignments', v_n);

    -- step_activities go with their sessions (ON DELETE CASCADE).
    DELETE FROM onboarding.sessions s
    WHERE s.id = ANY (v_sess) OR strpos(lower(s::text), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('onboarding.sessions', v_n);

    -- Interactions of other leads that mention the person (e.g. "referred by ...").
    DELETE FROM marketing.lead_interactions i
    WHERE i.lead_id = ANY (v_leads) OR strpos(lower(i::text), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('marketing.lead_interactions', v_n);

    DELETE FROM marketing.leads l WHERE l.id = ANY (v_leads);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('marketing.leads', v_n);

    DELETE FROM marketing.lead_rate_limits WHERE bucket_key = 'email:' || v_hash;

    -- The WhatsApp account belongs to the business: keep it, drop the person's details.
    UPDATE whatsapp.accounts a
    SET contact_email = CASE WHEN lower(a.contact_email) = v_email THEN NULL ELSE a.contact_email END,
        metadata = (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(a.metadata) AS m(k, v)
                    WHERE strpos(lower(v::text), v_email) = 0)
    WHERE strpos(lower(a::text), v_email) > 0;
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('whatsapp.accounts', v_n);

    -- Audit images of the erased rows and any audit row quoting the email.
    v_rowids := v_leads::text[] || v_sess::text[];
    DELETE FROM public.audit_log al
    WHERE al.operation <> 'GDPR_ERASURE'
      AND (al.row_id = ANY (v_rowids)
           OR coalesce(al.new_data, al.old_data) ->> 'lead_id' = ANY (v_leads::text[])
           OR coalesce(al.new_data, al.old_data) ->> 'session_id' = ANY (v_ids)
           OR coalesce(al.new_data, al.old_data) ->> 'user_id' = ANY (v_ids)
           OR strpos(lower(concat_ws(' ', al.old_data::text, al.new_data::text)), v_email) > 0)
      AND NOT coalesce(al.old_data ? 'redacted' OR al.new_data ? 'redacted', false);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('public.audit_log', v_n);
    -- Keep who-did-what rows of other tables but pseudonymise the actor.
    UPDATE public.audit_log al SET app_identity = 'erased:' || left(v_hash, 16)
    WHERE lower(al.app_identity) = v_email OR al.app_identity = ANY (v_ids);

    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, new_data)
    VALUES (public.session_user_role(),
            CASE WHEN public.request_identity() IS NULL OR lower(public.request_identity()) = v_email
                 THEN NULL ELSE public.request_identity() END,
            'public', 'gdpr_delete_user_data', 'GDPR_ERASURE',
            jsonb_build_object('email_sha256', v_hash, 'deleted', v_counts));

    PERFORM set_config('eventd.maintenance', coalesce(v_prev, ''), true);
    RETURN jsonb_build_object('email_sha256', v_hash, 'deleted', v_counts);
END
$fn$;
COMMENT ON FUNCTION public.gdpr_delete_user_data(text) IS
    'GDPR right to erasure: removes or anonymises every row about the email across all schemas; logs a GDPR_ERASURE audit row with only the SHA-256 of the email. Returns per-table counts.';

-- ---------------------------------------------------------------------------
-- Retention
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.cleanup_old_data(retention interval DEFAULT '90 days', audit_retention interval DEFAULT '1 year')
RETURNS TABLE (target text, removed bigint)
LANGUAGE plpgsql
SECURITY DEFINER  -- dropping partitions needs ownership; callers only need EXECUTE
SET search_path = pg_catalog, public
AS $fn$
-- Everything strictly older than now() - retention goes: whole event partitions (drop, no dead
-- tuples), then the remaining old event rows (boundary partition, default partition), rejected events,
-- onboarding step activities and minute rollup buckets.  Hour/day rollups, leads and sessions are
-- business data and are not touched.  Audit rows use their own, longer audit_retention.
DECLARE
    v_cutoff timestamptz := now() - retention;
    v_prev   text := current_setting('eventd.maintenance', true);
    v_n      bigint;
    v_summary jsonb := '{}';
BEGIN
    IF retention < interval '1 day' OR audit_retention < interval '1 day' THEN
        RAISE EXCEPTION 'cleanup_old_data: retention must be at least 1 day (got %, audit %)', retention, audit_retention
            USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('eventd.maintenance', 'retention', true);

    target := 'analytics.events partitions dropped'; removed := analytics.drop_event_partitions(retention); RETURN NEXT;
    v_summary := v_summary || jsonb_build_object(target, removed);
    DELETE FROM analytics.events WHERE original_timestamp < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'analytics.events'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    DELETE FROM analytics.rejected_events WHERE received_at < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'analytics.rejected_events'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    DELETE FROM analytics.event_aggregations WHERE bucket_width = 'minute' AND bucket_start < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'analytics.event_aggregations (minute)'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    DELETE FROM onboarding.step_activities WHERE occurred_at < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'onboarding.step_activities'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    -- Rate-limit windows are useless after a day whatever the retention.
    DELETE FROM marketing.lead_rate_limits WHERE window_start < now() - interval '1 day';
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'marketing.lead_rate_limits'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    DELETE FROM public.audit_log WHERE occurred_at < now() - audit_retention;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'public.audit_log'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    PERFORM set_config('eventd.maintenance', coalesce(v_prev, ''), true);
    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, new_data)
    VALUES (public.session_user_role(), public.request_identity(), 'public', 'cleanup_old_data', 'RETENTION',
            jsonb_build_object('cutoff', v_cutoff, 'audit_retention', audit_retention, 'removed', v_summary));
    RETURN;
END
$fn$;
COMMENT ON FUNCTION public.cleanup_old_data(interval, interval) IS
    'Retention (default 90 days): drops old analytics.events partitions and deletes rows past retention in events, rejected_events, minute rollups, step activities, rate-limit windows; audit rows past audit_retention. Returns counts per target.';

-- ---------------------------------------------------------------------------
-- Onboarding session abandonment
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.abandon_inactive_sessions(timeout interval DEFAULT '2 hours') RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
DECLARE
    v_n integer;
BEGIN
    UPDATE onboarding.sessions
    SET status = 'abandoned', abandoned_at = now()
    WHERE status = 'in_progress' AND last_activity_at < now() - timeout;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END
$fn$;
COMMENT ON FUNCTION public.abandon_inactive_sessions(interval) IS
    'Marks in-progress onboarding sessions without activity for longer than timeout (default 2 hours) as abandoned; returns how many.';

-- ---------------------------------------------------------------------------
-- Rollups: placeholder that is exact now (a later issue may replace it)
-- ---------------------------------------------------------------------------
CREATE TABLE eventd.rollup_state (
    name       text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.]{0,62}$'),
    watermark  timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE eventd.rollup_state IS 'Rollup watermarks: events with created_at after the watermark have not been folded into the named rollup yet.';
COMMENT ON COLUMN eventd.rollup_state.watermark IS 'Upper bound (analytics.events.created_at) of the last completed rollup run.';
ALTER TABLE eventd.rollup_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_state_admin ON eventd.rollup_state FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
GRANT ALL ON eventd.rollup_state TO service_role;
GRANT SELECT ON eventd.rollup_state TO eventd_admin;

CREATE FUNCTION public.process_pending_events(batch interval DEFAULT '5 minutes') RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
AS $fn$
-- Never touches analytics.events rows.  Finds the (bucket_width, bucket_start) buckets of events
-- inserted since the watermark (created_at > watermark - batch: the overlap re-reads rows whose
-- transaction committed up to `batch` late), then recomputes those buckets EXACTLY from
-- analytics.events: upsert every group, delete groups that no longer exist.  Recomputation is
-- idempotent, so the overlap cannot double count.
DECLARE
    v_now     timestamptz := now();
    v_mark    timestamptz;
    v_widths  analytics.bucket_width[];
    v_starts  timestamptz[];
    v_upserts bigint;
    v_deletes bigint;
BEGIN
    INSERT INTO eventd.rollup_state (name, watermark) VALUES ('analytics.event_aggregations', '-infinity')
    ON CONFLICT (name) DO NOTHING;
    -- Row lock serialises concurrent runs.
    SELECT watermark INTO v_mark FROM eventd.rollup_state WHERE name = 'analytics.event_aggregations' FOR UPDATE;

    SELECT coalesce(array_agg(t.w), '{}'), coalesce(array_agg(t.s), '{}') INTO v_widths, v_starts
    FROM (SELECT DISTINCT w.w, date_trunc(w.w::text, e.occurred_at, 'UTC') AS s
          FROM analytics.events e
          CROSS JOIN unnest(enum_range(NULL::analytics.bucket_width)) AS w(w)
          WHERE e.created_at > v_mark - batch AND e.created_at <= v_now) t;

    WITH touched AS (
        SELECT t.w, t.s, t.s + ('1 ' || t.w::text)::interval AS e
        FROM unnest(v_widths, v_starts) AS t(w, s)
    ), fresh AS (
        SELECT t.w, t.s, e.type, e.name, e.transport, e.country, e.device_type,
               count(*) AS n,
               count(DISTINCT e.session_id) AS sessions,
               count(DISTINCT e.user_id) AS users,
               coalesce(sum((e.properties ->> 'value')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'value') = 'number'), 0) AS value_sum,
               coalesce(sum((e.properties ->> 'revenue')::numeric) FILTER (WHERE jsonb_typeof(e.properties -> 'revenue') = 'number'), 0) AS revenue_sum
        FROM touched t
        JOIN analytics.events e ON e.occurred_at >= t.s AND e.occurred_at < t.e
        GROUP BY t.w, t.s, e.type, e.name, e.transport, e.country, e.device_type
    )
    INSERT INTO analytics.event_aggregations AS a
        (bucket_width, bucket_start, type, name, transport, country, device_type,
         event_count, distinct_sessions, distinct_users, value_sum, revenue_sum, updated_at)
    SELECT w, s, type, name, transport, country, device_type, n, sessions, users, value_sum, revenue_sum, v_now
    FROM fresh
    ON CONFLICT ON CONSTRAINT event_aggregations_bucket_key DO UPDATE SET
        event_count = excluded.event_count, distinct_sessions = excluded.distinct_sessions,
        distinct_users = excluded.distinct_users, value_sum = excluded.value_sum,
        revenue_sum = excluded.revenue_sum, updated_at = excluded.updated_at
    WHERE (a.event_count, a.distinct_sessions, a.distinct_users, a.value_sum, a.revenue_sum)
          IS DISTINCT FROM (excluded.event_count, excluded.distinct_sessions, excluded.distinct_users, excluded.value_sum, excluded.revenue_sum);
    GET DIAGNOSTICS v_upserts = ROW_COUNT;

    -- Groups of a touched bucket whose events are gone (erasure, retention) must disappear.
    DELETE FROM analytics.event_aggregations a
    USING unnest(v_widths, v_starts) AS t(w, s)
    WHERE a.bucket_width = t.w AND a.bucket_start = t.s
      AND NOT EXISTS (SELECT 1 FROM analytics.events e
                      WHERE e.occurred_at >= t.s AND e.occurred_at < t.s + ('1 ' || t.w::text)::interval
                        AND e.type = a.type AND e.name = a.name AND e.transport = a.transport
                        AND e.country IS NOT DISTINCT FROM a.country
                        AND e.device_type IS NOT DISTINCT FROM a.device_type);
    GET DIAGNOSTICS v_deletes = ROW_COUNT;

    UPDATE eventd.rollup_state SET watermark = v_now, updated_at = now() WHERE name = 'analytics.event_aggregations';
    RETURN jsonb_build_object('buckets', cardinality(v_starts), 'upserted', v_upserts, 'deleted', v_deletes,
                              'watermark', v_now);
END
$fn$;
COMMENT ON FUNCTION public.process_pending_events(interval) IS
    'Refreshes analytics.event_aggregations (minute/hour/day) for buckets touched since the eventd.rollup_state watermark, by exact recomputation; never updates analytics.events. batch = overlap re-read for late commits.';

-- ---------------------------------------------------------------------------
-- Monitoring
-- ---------------------------------------------------------------------------
CREATE VIEW public.index_usage_stats AS
SELECT s.schemaname,
       s.relname      AS tablename,
       s.indexrelname AS indexname,
       s.idx_scan,
       s.idx_tup_read,
       s.idx_tup_fetch,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS size,
       pg_relation_size(s.indexrelid)                 AS size_bytes
FROM pg_catalog.pg_stat_user_indexes s;
COMMENT ON VIEW public.index_usage_stats IS 'Index usage and size per user index; idx_scan = 0 over a long period marks an index worth dropping.';
REVOKE ALL ON public.index_usage_stats FROM PUBLIC;
GRANT SELECT ON public.index_usage_stats TO eventd_admin, service_role;

-- pg_stat_statements (optional): install into schema extensions and expose the pre-PG13 column names
-- mean_time / total_time through public.pg_stat_statements.  No-op when the module is not preloaded,
-- not installable, or the migrating role may not create it.
DO $pgss$
DECLARE
    v_schema  text;
    v_preload text;
BEGIN
    BEGIN
        v_preload := current_setting('shared_preload_libraries');
    EXCEPTION WHEN insufficient_privilege THEN
        v_preload := '';  -- non-superuser without pg_read_all_settings: treat as unavailable
    END;
    IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements')
       OR NOT ('pg_stat_statements' = ANY (string_to_array(replace(v_preload, ' ', ''), ','))) THEN
        RAISE NOTICE 'pg_stat_statements not preloaded: skipping public.pg_stat_statements compatibility view';
        RETURN;
    END IF;
    BEGIN
        CREATE SCHEMA IF NOT EXISTS extensions;
        CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;
    EXCEPTION WHEN insufficient_privilege OR feature_not_supported THEN
        RAISE NOTICE 'cannot install pg_stat_statements (%): skipping compatibility view', SQLERRM;
        RETURN;
    END;
    SELECT n.nspname INTO v_schema FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace
    WHERE x.extname = 'pg_stat_statements';
    IF v_schema = 'public' OR to_regclass('public.pg_stat_statements') IS NOT NULL
       OR NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = format('%I.pg_stat_statements', v_schema)::regclass
                      AND attname = 'mean_exec_time') THEN
        RETURN;  -- old module version already has mean_time, or something occupies the name
    END IF;
    EXECUTE format($v$CREATE VIEW public.pg_stat_statements AS
        SELECT s.*, s.mean_exec_time AS mean_time, s.total_exec_time AS total_time
        FROM %I.pg_stat_statements s$v$, v_schema);
    COMMENT ON VIEW public.pg_stat_statements IS 'Compatibility view: pg_stat_statements plus mean_time/total_time (renamed *_exec_time in PG13).';
    REVOKE ALL ON public.pg_stat_statements FROM PUBLIC;
    GRANT SELECT ON public.pg_stat_statements TO eventd_admin, service_role;
END
$pgss$;

-- ---------------------------------------------------------------------------
-- EXECUTE privileges
-- ---------------------------------------------------------------------------
REVOKE EXECUTE ON FUNCTION
    public.gdpr_delete_user_data(text), public.cleanup_old_data(interval, interval),
    public.abandon_inactive_sessions(interval), public.process_pending_events(interval)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    public.gdpr_delete_user_data(text), public.cleanup_old_data(interval, interval),
    public.abandon_inactive_sessions(interval), public.process_pending_events(interval)
    TO service_role, eventd_admin;
-- Clients learn their variants themselves (the function only writes their own assignments).
REVOKE EXECUTE ON FUNCTION public.auto_assign_experiments(uuid, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.auto_assign_experiments(uuid, text, text)
    TO anon, authenticated, service_role, eventd_admin;
