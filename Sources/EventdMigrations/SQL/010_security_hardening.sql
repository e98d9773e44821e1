-- 010_security_hardening.sql
-- Closes the holes of issue #14's probe without touching the applied migrations (001-009 are
-- checksummed): every fix here redefines, revokes or adds.  docs/security.md is the prose version.
--
--   1  least privilege: no TRIGGER / TRUNCATE / REFERENCES for client roles, no TEMP for the API roles,
--      pg_temp last in every function's search_path (a SECURITY DEFINER body cannot be redirected to a
--      caller's temporary objects)
--   2  gdpr_delete_user_data(): validated input, whole-address matches only, ids proven by staff or
--      the person's own JWT (never an anonymous row), staff/service callers only, audited
--   3  auto_assign_experiments(): bound to the caller (JWT sub, or the session token when anonymous)
--   4  public lead form: a resubmission adds an interaction and nothing else; known and unknown
--      emails answer alike
--   5  lead rate limit keyed by what the client cannot choose; an email's bucket is per address
--   6  the audit trail (and the rollup dirty marks) can only be quieted by the maintenance functions
--      themselves: eventd.in_maintenance()
--  10  JSON / array size bounds on what the public writes; no foreign-key existence oracle
--   9  eventd_ingest / eventd_rollup / eventd_maintenance: what `eventd serve` needs, as grants
--  11  analytics.untimed_event_ids: the dedup key of events sent with an id but without a timestamp

-- ===========================================================================================
-- 6. Maintenance scope: a flag only the maintenance functions can raise
-- ===========================================================================================
-- The flag used to be the setting eventd.maintenance alone, and any session may SET it.  Now the
-- setting counts only together with a row in eventd.maintenance_scope for this backend and this
-- transaction, a table nobody but the owner may write; the maintenance functions (SECURITY DEFINER,
-- owner) insert that row on entry and delete it on exit, so it never commits and never outlives
-- their call.  A current_user test alone would not do: other owner-run trigger functions
-- (step_activity_advance, the lead merge) write audited tables on a client's behalf.
CREATE TABLE eventd.maintenance_scope (
    backend_pid integer NOT NULL DEFAULT pg_backend_pid(),
    xid         bigint  NOT NULL DEFAULT txid_current(),
    mode        text    NOT NULL CHECK (mode IN ('retention', 'gdpr_erasure')),
    PRIMARY KEY (backend_pid, xid, mode)
);
COMMENT ON TABLE eventd.maintenance_scope IS
    'Rows exist only inside a running maintenance function (retention, GDPR erasure); eventd.in_maintenance() trusts eventd.maintenance only with a row here.';
ALTER TABLE eventd.maintenance_scope ENABLE ROW LEVEL SECURITY;  -- no policy: owner only
REVOKE ALL ON eventd.maintenance_scope FROM PUBLIC, anon, authenticated, service_role, eventd_admin;

CREATE FUNCTION eventd.in_maintenance(p_mode text) RETURNS boolean
LANGUAGE sql STABLE
SECURITY DEFINER  -- reads the owner-only scope table for any caller (policies, triggers)
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(current_setting('eventd.maintenance', true) = p_mode, false)
       AND EXISTS (SELECT 1 FROM eventd.maintenance_scope s
                   WHERE s.backend_pid = pg_catalog.pg_backend_pid()
                     AND s.xid = pg_catalog.txid_current_if_assigned()
                     AND s.mode = p_mode)
$$;
COMMENT ON FUNCTION eventd.in_maintenance(text) IS
    'True inside retention (''retention'') or GDPR erasure (''gdpr_erasure'') run by the maintenance functions themselves; a session that merely SETs eventd.maintenance gets false.';
GRANT EXECUTE ON FUNCTION eventd.in_maintenance(text) TO PUBLIC;  -- policies call it as the caller

CREATE FUNCTION eventd.begin_maintenance(p_mode text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    INSERT INTO eventd.maintenance_scope (mode) VALUES (p_mode) ON CONFLICT DO NOTHING;
    PERFORM pg_catalog.set_config('eventd.maintenance', p_mode, true);
END
$fn$;
CREATE FUNCTION eventd.end_maintenance(p_mode text) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    DELETE FROM eventd.maintenance_scope s
    WHERE s.backend_pid = pg_catalog.pg_backend_pid() AND s.xid = pg_catalog.txid_current() AND s.mode = p_mode;
    PERFORM pg_catalog.set_config('eventd.maintenance', '', true);
END
$fn$;
COMMENT ON FUNCTION eventd.begin_maintenance(text) IS 'Owner only: opens a maintenance scope (see eventd.in_maintenance).';
COMMENT ON FUNCTION eventd.end_maintenance(text) IS 'Owner only: closes the maintenance scope opened by eventd.begin_maintenance.';
REVOKE EXECUTE ON FUNCTION eventd.begin_maintenance(text), eventd.end_maintenance(text) FROM PUBLIC;

-- The audit trigger: suppressed during retention, redacted during erasure, only for real.
CREATE OR REPLACE FUNCTION public.audit_trigger() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- callers (anon ...) have no INSERT on audit_log; the trail must not depend on their grants
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_old jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    v_new jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    v_changed text[];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.key ORDER BY n.key) INTO v_changed
        FROM jsonb_each(v_new) n
        WHERE n.value IS DISTINCT FROM v_old -> n.key;
        IF v_changed IS NULL THEN
            RETURN NULL;  -- no-op update: nothing to audit
        END IF;
    END IF;
    -- Retention deletes are summarised by cleanup_old_data() in one RETENTION row instead.
    IF eventd.in_maintenance('retention') THEN
        RETURN NULL;
    END IF;
    -- During a GDPR erasure the row images would re-create the personal data we are deleting.
    IF eventd.in_maintenance('gdpr_erasure') THEN
        v_old := CASE WHEN v_old IS NOT NULL THEN jsonb_build_object('id', v_old -> 'id', 'redacted', true) END;
        v_new := CASE WHEN v_new IS NOT NULL THEN jsonb_build_object('id', v_new -> 'id', 'redacted', true) END;
    END IF;
    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, row_id,
                                  old_data, new_data, changed_columns)
    VALUES (public.session_user_role(), public.request_identity(), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP,
            coalesce(v_new, v_old) ->> 'id', v_old, v_new, v_changed);
    RETURN NULL;
END
$fn$;

-- Appends come from the owner (audit trigger, maintenance functions); no always-true policy.
DROP POLICY audit_log_append ON public.audit_log;
CREATE POLICY audit_log_append ON public.audit_log FOR INSERT
    WITH CHECK (public.is_admin());
DROP POLICY audit_log_maintenance_update ON public.audit_log;
DROP POLICY audit_log_maintenance_delete ON public.audit_log;
CREATE POLICY audit_log_maintenance_update ON public.audit_log FOR UPDATE
    USING (eventd.in_maintenance('gdpr_erasure') OR eventd.in_maintenance('retention'));
CREATE POLICY audit_log_maintenance_delete ON public.audit_log FOR DELETE
    USING (eventd.in_maintenance('gdpr_erasure') OR eventd.in_maintenance('retention'));

CREATE OR REPLACE FUNCTION analytics.events_mark_rollup_dirty() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- whoever may delete events must be able to leave the mark
SET search_path = pg_catalog, pg_temp
AS $fn$
-- Statement-level (one call per DELETE/UPDATE statement, none for COPY/INSERT).
BEGIN
    IF eventd.in_maintenance('retention') THEN
        RETURN NULL;  -- retention: rollups are kept longer than raw events on purpose
    END IF;
    IF TG_OP = 'DELETE' THEN
        INSERT INTO eventd.rollup_dirty (minute_start, type, name)
        SELECT DISTINCT date_trunc('minute', o.occurred_at, 'UTC'), o.type, o.name FROM old_rows o;
    ELSE
        INSERT INTO eventd.rollup_dirty (minute_start, type, name)
        SELECT date_trunc('minute', o.occurred_at, 'UTC'), o.type, o.name FROM old_rows o
        UNION
        SELECT date_trunc('minute', n.occurred_at, 'UTC'), n.type, n.name FROM new_rows n;
    END IF;
    RETURN NULL;
END
$fn$;

-- ===========================================================================================
-- 11. Events with a sender id but no timestamp
-- ===========================================================================================
-- analytics.events is keyed by (event_id, original_timestamp) because it is partitioned by
-- original_timestamp.  Without a client timestamp, original_timestamp is the receipt time, so a
-- resend would get a new key.  The loader records such events here (COPY in the same transaction as
-- the events: a resend raises 23505 and goes through the staging path, which skips it).
-- "Untimed" = message_id IS NOT NULL AND original_timestamp = received_at, in the loader and in SQL.
CREATE TABLE analytics.untimed_event_ids (
    event_id           uuid PRIMARY KEY,
    original_timestamp timestamptz NOT NULL
);
COMMENT ON TABLE analytics.untimed_event_ids IS
    'First receipt of every event that came with a sender id (messageId) but no timestamp: its event_id is its dedup key, the stored row''s original_timestamp is the first receipt time. Emptied by cleanup_old_data() with the events.';
CREATE INDEX untimed_event_ids_time_brin ON analytics.untimed_event_ids USING brin (original_timestamp);
ALTER TABLE analytics.untimed_event_ids ENABLE ROW LEVEL SECURITY;
CREATE POLICY untimed_event_ids_admin ON analytics.untimed_event_ids FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

-- ===========================================================================================
-- 1. Least privilege
-- ===========================================================================================
-- TRIGGER on a table lets its holder run code as whoever next writes that table, e.g. the owner
-- inside a SECURITY DEFINER function; TRUNCATE skips RLS and the audit trail; REFERENCES lets a role
-- probe and pin rows with foreign keys.  No client role needs any of them.
REVOKE TRIGGER, TRUNCATE, REFERENCES ON ALL TABLES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd
    FROM anon, authenticated, service_role, eventd_admin;
REVOKE ALL ON public.audit_log FROM anon;  -- Supabase's default privileges grant everything in public to the API roles
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON public.audit_log FROM authenticated, service_role, eventd_admin;
REVOKE ALL ON public.index_usage_stats FROM anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA analytics TO service_role;  -- new in 010: untimed_event_ids
REVOKE ALL ON eventd.maintenance_scope FROM service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd
    REVOKE ALL ON TABLES FROM service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO service_role;

-- Temporary objects shadow unqualified names: the API roles have no use for them.  PUBLIC loses
-- TEMP on this database; every other existing role (other tools, Supabase's own) gets it back.
DO $temp$
DECLARE
    r record;
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    FOR r IN SELECT rolname FROM pg_roles
             WHERE rolname NOT IN ('anon', 'authenticated', 'service_role') AND rolname !~ '^pg_' LOOP
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), r.rolname);
    END LOOP;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE '010: not the database owner, TEMP left as it was (%).', SQLERRM;
END
$temp$;

-- Partition maintenance runs as the owner whoever calls it, so partitions share one owner.
ALTER FUNCTION analytics.ensure_event_partitions(int, int) SECURITY DEFINER;
ALTER FUNCTION analytics.drop_event_partitions(interval) SECURITY DEFINER;

-- ===========================================================================================
-- 10. Size bounds on what the public may write; no foreign-key oracle
-- ===========================================================================================
-- NOT VALID: existing rows are not rescanned; every new or changed row is checked.
ALTER TABLE marketing.leads ADD CONSTRAINT leads_metadata_size CHECK (octet_length(metadata::text) <= 16384) NOT VALID;
ALTER TABLE marketing.leads ADD CONSTRAINT leads_tags_size
    CHECK (cardinality(tags) <= 50 AND octet_length(array_to_string(tags, ',')) <= 2048) NOT VALID;
ALTER TABLE marketing.leads ADD CONSTRAINT leads_consent_version_length CHECK (char_length(consent_version) <= 64) NOT VALID;
ALTER TABLE onboarding.sessions ADD CONSTRAINT sessions_business_info_size CHECK (octet_length(business_info::text) <= 16384) NOT VALID;
ALTER TABLE onboarding.sessions ADD CONSTRAINT sessions_metadata_size CHECK (octet_length(metadata::text) <= 16384) NOT VALID;
ALTER TABLE onboarding.sessions ADD CONSTRAINT sessions_token_length CHECK (char_length(session_token) BETWEEN 8 AND 255) NOT VALID;
ALTER TABLE onboarding.step_activities ADD CONSTRAINT step_activities_metadata_size CHECK (octet_length(metadata::text) <= 8192) NOT VALID;
ALTER TABLE onboarding.step_activities ADD CONSTRAINT step_activities_text_length
    CHECK (char_length(field_name) <= 255 AND char_length(error_message) <= 2048) NOT VALID;

-- What a public (anon / authenticated, not admin) caller may put in an onboarding session: never a
-- lead_id (staff link sessions to leads; the foreign key would also tell whether a lead id exists),
-- and a user_id only when it is the caller's own JWT sub (so user ids in sessions are proven).
CREATE FUNCTION public.is_public_caller() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT public.session_user_role() IN ('anon', 'authenticated')
       AND NOT (public.session_user_role() = 'authenticated'
                AND coalesce(public.request_jwt_claims() -> 'app_metadata' ->> 'role' = 'admin', false))
$$;
COMMENT ON FUNCTION public.is_public_caller() IS
    'True when the client acts as anon or authenticated without the JWT admin claim; unaffected by SECURITY DEFINER (reads the SET ROLE target).';

CREATE FUNCTION onboarding.sessions_client_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    -- current_user, not the SET ROLE target: owner-run functions (step_activity_advance) write for clients.
    IF current_user NOT IN ('anon', 'authenticated') OR NOT public.is_public_caller() THEN
        RETURN NEW;
    END IF;
    IF NEW.lead_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.lead_id IS DISTINCT FROM OLD.lead_id) THEN
        RAISE EXCEPTION 'onboarding.sessions.lead_id is set by staff, not through the public API'
            USING ERRCODE = '42501';
    END IF;
    IF NEW.user_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.user_id IS DISTINCT FROM OLD.user_id)
       AND NEW.user_id::text IS DISTINCT FROM nullif(public.request_jwt_claims() ->> 'sub', '') THEN
        RAISE EXCEPTION 'onboarding.sessions.user_id may only be the caller''s own user id (JWT sub)'
            USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION onboarding.sessions_client_guard() IS
    'BEFORE INSERT/UPDATE on sessions: public callers cannot set lead_id, nor a user_id other than their JWT sub.';
-- Named to fire first (BEFORE triggers run in name order).
CREATE TRIGGER sessions_05_client_guard BEFORE INSERT OR UPDATE OF lead_id, user_id ON onboarding.sessions
    FOR EACH ROW EXECUTE FUNCTION onboarding.sessions_client_guard();

-- ===========================================================================================
-- 5. Lead rate limit: keyed by what the client cannot choose
-- ===========================================================================================
-- The address is the one the trusted API layer puts in app.client_ip (like app.session_token),
-- else the connection's peer, never the ip_address column.  An email's bucket is per (email,
-- address): nobody can exhaust someone else's address budget or lock a victim's email out.
CREATE FUNCTION marketing.request_client_address() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(host(nullif(current_setting('app.client_ip', true), '')::inet),
                    host(inet_client_addr()), 'local')
$$;
COMMENT ON FUNCTION marketing.request_client_address() IS
    'Client address for throttling: app.client_ip as set by the API layer, else the connection''s peer address, else ''local'' (Unix socket).';

CREATE FUNCTION marketing.hit_lead_bucket(p_kind text, p_material text) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER  -- the counter table is owner-only
SET search_path = pg_catalog, pg_temp
AS $fn$
-- Limits as in 004 (eventd.lead_rate_limit_ip / _email, eventd.lead_rate_window); keys are SHA-256.
DECLARE
    v_window interval := coalesce(nullif(current_setting('eventd.lead_rate_window', true), '')::interval, interval '10 minutes');
    v_max    int := CASE p_kind
                        WHEN 'ip' THEN coalesce(nullif(current_setting('eventd.lead_rate_limit_ip', true), '')::int, 20)
                        ELSE coalesce(nullif(current_setting('eventd.lead_rate_limit_email', true), '')::int, 5) END;
    v_start  timestamptz := date_bin(v_window, now(), timestamptz '2000-01-01 00:00:00+00');
    v_hits   int;
BEGIN
    INSERT INTO marketing.lead_rate_limits AS r (bucket_key, window_start, hits)
    VALUES (p_kind || ':' || encode(sha256(convert_to(p_material, 'UTF8')), 'hex'), v_start, 1)
    ON CONFLICT (bucket_key, window_start) DO UPDATE SET hits = r.hits + 1
    RETURNING hits INTO v_hits;
    IF v_hits > v_max THEN
        -- PT429: PostgREST turns SQLSTATE PTxyz into HTTP status xyz (429 Too Many Requests).
        RAISE EXCEPTION 'lead submission rate limit exceeded: at most % submissions per % from one %',
                        v_max, v_window, CASE p_kind WHEN 'ip' THEN 'IP address' ELSE 'email address' END
            USING ERRCODE = 'PT429', HINT = format('Retry after %s.', v_start + v_window);
    END IF;
END
$fn$;
COMMENT ON FUNCTION marketing.hit_lead_bucket(text, text) IS
    'Counts one public lead submission in the bucket kind:sha256(material); raises PT429 past the kind''s limit.';
REVOKE EXECUTE ON FUNCTION marketing.hit_lead_bucket(text, text) FROM PUBLIC, anon, authenticated;

CREATE OR REPLACE FUNCTION marketing.leads_rate_limit() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- the counter table is owner-only; the caller is identified via session_user_role()
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_addr text;
BEGIN
    -- Trusted backends are not throttled; the public path's own insert (depth > 1) was counted already.
    IF pg_trigger_depth() > 1 OR NOT public.is_public_caller() THEN
        RETURN NEW;
    END IF;
    v_addr := marketing.request_client_address();
    PERFORM marketing.hit_lead_bucket('ip', v_addr);
    -- Per (email, address): a third party cannot lock the owner of an address out.
    PERFORM marketing.hit_lead_bucket('email', lower(btrim(NEW.email)) || ' ' || v_addr);
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION marketing.leads_rate_limit() IS
    'BEFORE INSERT trigger throttling public (anon/authenticated) lead submissions per client address (app.client_ip or the peer) and per (email, address); never the client-written ip_address column.';

-- ===========================================================================================
-- 4. The public lead form
-- ===========================================================================================
-- A public submission never reaches the table itself: this trigger checks it as the insert policy
-- would, then inserts a new lead as the owner (audited as the caller) or, for a known email, only
-- logs an interaction -- and returns NULL either way, so a known and an unknown email get the same
-- answer (same errors, same "INSERT 0 0").  Trusted callers keep the merge of 004.
CREATE OR REPLACE FUNCTION marketing.leads_normalise_dedup() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- anon cannot SELECT/UPDATE leads, but its re-submission must still be recorded
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_existing marketing.leads%ROWTYPE;
BEGIN
    NEW.email := lower(btrim(NEW.email));
    NEW.company_name := nullif(btrim(NEW.company_name), '');
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;

    IF pg_trigger_depth() = 1 AND public.is_public_caller() THEN
        -- What leads_public_insert's WITH CHECK would say, said before the email is looked up.
        IF NEW.status IS DISTINCT FROM 'new' OR NEW.score IS DISTINCT FROM 0 OR NEW.converted_at IS NOT NULL THEN
            RAISE EXCEPTION 'new row violates row-level security policy for table "leads"' USING ERRCODE = '42501';
        END IF;
        -- Consent is recorded at the time it is given, by this server.
        NEW.consent_given_at := CASE WHEN NEW.consent_marketing THEN now() END;
        PERFORM 1 FROM marketing.leads l WHERE l.email = NEW.email FOR UPDATE;
        IF FOUND THEN
            INSERT INTO marketing.lead_interactions (lead_id, interaction_type, direction, subject, metadata)
            SELECT l.id, 'form_submission', 'inbound', 'Repeated public form submission (not merged)',
                   jsonb_build_object('source', NEW.source)
            FROM marketing.leads l WHERE l.email = NEW.email;
        ELSE
            INSERT INTO marketing.leads SELECT NEW.*;  -- as the owner: checks, audit, rate limit skip (depth 2)
        END IF;
        RETURN NULL;
    END IF;

    SELECT * INTO v_existing FROM marketing.leads WHERE lower(btrim(email)) = NEW.email FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;
    END IF;

    -- Trusted caller, same person again: keep what we know, fill gaps, remember the newest consent,
    -- and skip the INSERT (RETURN NULL) so the caller sees success, not 23505.
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
    'BEFORE INSERT/UPDATE on leads: lower()+trim() the email. Public callers: checked like the insert policy, a new email is inserted, a known one only gets a form_submission interaction; the same answer either way. Trusted callers: a known email merges into the existing row.';

-- ===========================================================================================
-- 3. auto_assign_experiments: the caller's own assignments only
-- ===========================================================================================
CREATE OR REPLACE FUNCTION public.auto_assign_experiments(user_id uuid, session_id text DEFAULT NULL, country text DEFAULT NULL)
RETURNS SETOF experiments.assignments
LANGUAGE plpgsql
SECURITY DEFINER  -- anon/authenticated callers may not read or write assignments directly
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
-- For every running experiment: return the subject's existing assignment (sticky), else decide
-- deterministically (md5 buckets, see 004).  Public callers are bound to themselves: anon may name
-- only its own session token, authenticated only its own JWT sub (and its own session token), so a
-- call creates at most one row per running experiment for the caller, and reads nobody else's.
DECLARE
    v_user    uuid := auto_assign_experiments.user_id;
    v_session text := nullif(auto_assign_experiments.session_id, '');
    v_country text := upper(nullif(btrim(auto_assign_experiments.country), ''));
    v_subject text;
    v_sub     text := nullif(public.request_jwt_claims() ->> 'sub', '');
    v_token   text := public.request_session_token();
    v_exp     experiments.experiments%ROWTYPE;
    v_asg     experiments.assignments%ROWTYPE;
    v_bucket  int;
    v_point   numeric;
    v_total   numeric;
    v_variant text;
BEGIN
    IF public.is_public_caller() THEN
        IF public.session_user_role() = 'anon' AND v_user IS NOT NULL THEN
            RAISE EXCEPTION 'auto_assign_experiments: anonymous callers are assigned by their session, not a user_id'
                USING ERRCODE = '42501';
        END IF;
        IF v_user IS NOT NULL AND v_user::text IS DISTINCT FROM v_sub THEN
            RAISE EXCEPTION 'auto_assign_experiments: user_id must be the caller''s own (JWT sub)' USING ERRCODE = '42501';
        END IF;
        IF v_session IS NOT NULL AND v_session IS DISTINCT FROM v_token THEN
            RAISE EXCEPTION 'auto_assign_experiments: session_id must be the caller''s own session token (app.session_token)'
                USING ERRCODE = '42501';
        END IF;
        IF v_user IS NULL AND v_session IS NULL THEN
            v_user := CASE WHEN public.session_user_role() = 'authenticated' THEN v_sub::uuid END;
            v_session := CASE WHEN v_user IS NULL THEN v_token END;
        END IF;
    END IF;
    v_subject := coalesce(v_user::text, v_session);
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

-- ===========================================================================================
-- 2. GDPR erasure
-- ===========================================================================================
-- Whole-address match in free text: the address is neither preceded nor followed by a character
-- that could extend it ('en@x.example' does not match 'karen@x.example'); '@' may be URL-encoded.
CREATE FUNCTION public.text_mentions_email(p_text text, p_email text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT p_text IS NOT NULL AND strpos(lower(p_text), split_part(p_email, '@', 2)) > 0
       AND lower(p_text) ~ ('(^|[^a-z0-9._%+''-])'
                            || regexp_replace(split_part(p_email, '@', 1), '([^a-z0-9])', '\\\1', 'g')
                            || '(@|%40)'
                            || regexp_replace(split_part(p_email, '@', 2), '([^a-z0-9])', '\\\1', 'g')
                            || '($|[^a-z0-9-]|\.($|[^a-z0-9]))')
$$;
COMMENT ON FUNCTION public.text_mentions_email(text, text) IS
    'True when p_text contains the (lower-case) address p_email as a whole address, ''@'' also as %40.';

CREATE OR REPLACE FUNCTION public.gdpr_delete_user_data(email text) RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER  -- must reach every schema regardless of the caller's RLS
SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
-- Deletes every row about the person, matched by exact identifiers only:
--  * the address itself (normalised equality in email columns; a whole-address match in free text),
--  * the person's leads, the onboarding sessions linked to those leads or naming the address,
--  * user ids from those sessions -- a public caller can only ever write its own JWT sub there
--    (onboarding.sessions_client_guard), so they are the person's -- and the anonymous/session ids
--    that person's events and assignments carry.
-- Staff and service callers only; reports per-table counts; logs a GDPR_ERASURE audit row with
-- only a SHA-256 of the address.
DECLARE
    v_email    text := lower(btrim(gdpr_delete_user_data.email));
    v_caller   text := public.session_user_role();
    v_hash     text;
    v_leads    uuid[];
    v_sess     uuid[];
    v_users    uuid[];
    v_ids      text[];   -- every id the person's data may be keyed by in analytics.events
    v_anon     text[];
    v_rowids   text[];
    v_counts   jsonb := '{}';
    v_n        bigint;
BEGIN
    IF NOT (pg_has_role(v_caller, 'eventd_admin', 'MEMBER') OR pg_has_role(v_caller, 'service_role', 'MEMBER')) THEN
        RAISE EXCEPTION 'gdpr_delete_user_data: only staff (eventd_admin) or the service role may erase data (caller: %)', v_caller
            USING ERRCODE = '42501';
    END IF;
    IF v_email IS NULL OR v_email = '' THEN
        RAISE EXCEPTION 'gdpr_delete_user_data: an email is required' USING ERRCODE = '22004';
    END IF;
    IF char_length(v_email) > 254 OR v_email !~ '^[a-z0-9._%+''-]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$' THEN
        RAISE EXCEPTION 'gdpr_delete_user_data: % is not an email address', quote_literal(v_email) USING ERRCODE = '22023';
    END IF;
    v_hash := encode(sha256(convert_to(v_email, 'UTF8')), 'hex');
    PERFORM eventd.begin_maintenance('gdpr_erasure');

    SELECT coalesce(array_agg(l.id), '{}') INTO v_leads FROM marketing.leads l WHERE lower(btrim(l.email)) = v_email;
    SELECT coalesce(array_agg(s.id), '{}'), coalesce(array_agg(s.user_id) FILTER (WHERE s.user_id IS NOT NULL), '{}')
      INTO v_sess, v_users
      FROM onboarding.sessions s
     WHERE s.lead_id = ANY (v_leads) OR lower(btrim(s.business_info ->> 'email')) = v_email;

    v_ids := v_users::text[] || ARRAY[v_email];
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
       OR e.anonymous_id = ANY (v_ids)
       OR (strpos(lower(e::text), split_part(v_email, '@', 2)) > 0 AND public.text_mentions_email(e::text, v_email));
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('analytics.events', v_n);

    DELETE FROM analytics.rejected_events r
    WHERE public.text_mentions_email(concat_ws(' ', r.detail, r.message_id, r.source_key), v_email)
       OR public.text_mentions_email(encode(r.raw, 'escape'), v_email);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('analytics.rejected_events', v_n);

    DELETE FROM experiments.assignments a
    WHERE a.user_id = ANY (v_users) OR a.session_id = ANY (v_ids) OR public.text_mentions_email(a.context::text, v_email);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('experiments.assignments', v_n);

    -- step_activities go with their sessions (ON DELETE CASCADE).
    DELETE FROM onboarding.sessions s
    WHERE s.id = ANY (v_sess) OR public.text_mentions_email(s::text, v_email);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('onboarding.sessions', v_n);

    -- Interactions of other leads that mention the person (e.g. "referred by ...").
    DELETE FROM marketing.lead_interactions i
    WHERE i.lead_id = ANY (v_leads) OR public.text_mentions_email(i::text, v_email);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('marketing.lead_interactions', v_n);

    DELETE FROM marketing.leads l WHERE l.id = ANY (v_leads);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('marketing.leads', v_n);

    DELETE FROM marketing.lead_rate_limits r WHERE r.bucket_key = 'email:' || v_hash;

    -- The WhatsApp account belongs to the business: keep it, drop the person's details.
    UPDATE whatsapp.accounts a
    SET contact_email = CASE WHEN lower(a.contact_email) = v_email THEN NULL ELSE a.contact_email END,
        metadata = (SELECT coalesce(jsonb_object_agg(k, v), '{}') FROM jsonb_each(a.metadata) AS m(k, v)
                    WHERE NOT public.text_mentions_email(v::text, v_email))
    WHERE lower(a.contact_email) = v_email OR public.text_mentions_email(a.metadata::text, v_email);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('whatsapp.accounts', v_n);

    -- Audit images of the erased rows and any audit row quoting the address.
    v_rowids := v_leads::text[] || v_sess::text[];
    DELETE FROM public.audit_log al
    WHERE al.operation <> 'GDPR_ERASURE'
      AND (al.row_id = ANY (v_rowids)
           OR coalesce(al.new_data, al.old_data) ->> 'lead_id' = ANY (v_leads::text[])
           OR coalesce(al.new_data, al.old_data) ->> 'session_id' = ANY (v_sess::text[] || v_ids)
           OR coalesce(al.new_data, al.old_data) ->> 'user_id' = ANY (v_ids)
           OR public.text_mentions_email(concat_ws(' ', al.old_data::text, al.new_data::text), v_email))
      AND NOT coalesce(al.old_data ? 'redacted' OR al.new_data ? 'redacted', false);
    GET DIAGNOSTICS v_n = ROW_COUNT; v_counts := v_counts || jsonb_build_object('public.audit_log', v_n);
    -- Keep who-did-what rows of other tables but pseudonymise the actor.
    UPDATE public.audit_log al SET app_identity = 'erased:' || left(v_hash, 16)
    WHERE lower(al.app_identity) = v_email OR al.app_identity = ANY (v_ids);

    PERFORM eventd.end_maintenance('gdpr_erasure');
    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, new_data)
    VALUES (v_caller,
            CASE WHEN public.request_identity() IS NULL OR lower(public.request_identity()) = v_email
                 THEN NULL ELSE public.request_identity() END,
            'public', 'gdpr_delete_user_data', 'GDPR_ERASURE',
            jsonb_build_object('email_sha256', v_hash, 'deleted', v_counts));
    RETURN jsonb_build_object('email_sha256', v_hash, 'deleted', v_counts);
END
$fn$;

-- Retention: the same scope mechanism; the dedup keys of untimed events go with their events.
CREATE OR REPLACE FUNCTION public.cleanup_old_data(retention interval DEFAULT '90 days', audit_retention interval DEFAULT '1 year')
RETURNS TABLE (target text, removed bigint)
LANGUAGE plpgsql
SECURITY DEFINER  -- dropping partitions needs ownership; callers only need EXECUTE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_cutoff timestamptz := now() - retention;
    v_n      bigint;
    v_summary jsonb := '{}';
BEGIN
    IF retention < interval '1 day' OR audit_retention < interval '1 day' THEN
        RAISE EXCEPTION 'cleanup_old_data: retention must be at least 1 day (got %, audit %)', retention, audit_retention
            USING ERRCODE = '22023';
    END IF;
    PERFORM eventd.begin_maintenance('retention');

    target := 'analytics.events partitions dropped'; removed := analytics.drop_event_partitions(retention); RETURN NEXT;
    v_summary := v_summary || jsonb_build_object(target, removed);
    DELETE FROM analytics.events WHERE original_timestamp < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'analytics.events'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

    DELETE FROM analytics.untimed_event_ids WHERE original_timestamp < v_cutoff;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    target := 'analytics.untimed_event_ids'; removed := v_n; RETURN NEXT; v_summary := v_summary || jsonb_build_object(target, removed);

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

    PERFORM eventd.end_maintenance('retention');
    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, new_data)
    VALUES (public.session_user_role(), public.request_identity(), 'public', 'cleanup_old_data', 'RETENTION',
            jsonb_build_object('cutoff', v_cutoff, 'audit_retention', audit_retention, 'removed', v_summary));
    RETURN;
END
$fn$;

-- ===========================================================================================
-- 9. What `eventd serve` needs, as three grantable roles
-- ===========================================================================================
--   eventd_ingest       COPY into analytics.events / rejected_events / untimed_event_ids (INSERT),
--                       the session-local staging twins (TEMP, SELECT for CREATE TABLE ... LIKE),
--                       the schema check (eventd.schema_migrations).  BYPASSRLS: PostgreSQL refuses
--                       COPY FROM into a table whose RLS applies to the copying role.
--   eventd_rollup       EXECUTE analytics.run_rollups / public.process_pending_events
--   eventd_maintenance  EXECUTE the maintenance functions (partitions, abandonment, retention)
-- A deployment creates a LOGIN role and grants it the ones its eventd runs (docs/security.md).
DO $ingest$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eventd_ingest') THEN
        BEGIN
            CREATE ROLE eventd_ingest NOLOGIN BYPASSRLS;
        EXCEPTION WHEN insufficient_privilege THEN
            CREATE ROLE eventd_ingest NOLOGIN;
            RAISE NOTICE 'eventd_ingest created without BYPASSRLS (migrating role is not superuser): a superuser must ALTER ROLE eventd_ingest BYPASSRLS';
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eventd_rollup') THEN
        CREATE ROLE eventd_rollup NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eventd_maintenance') THEN
        CREATE ROLE eventd_maintenance NOLOGIN;
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO eventd_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO eventd_rollup, eventd_maintenance', current_database());
END
$ingest$;
COMMENT ON ROLE eventd_ingest IS 'eventd serve: COPY into analytics.events, analytics.rejected_events and analytics.untimed_event_ids through its staging tables; nothing else.';
COMMENT ON ROLE eventd_rollup IS 'eventd serve / eventd rollup: runs analytics.run_rollups().';
COMMENT ON ROLE eventd_maintenance IS 'eventd serve / eventd maintain: partitions, session abandonment, retention.';

GRANT USAGE ON SCHEMA analytics, eventd TO eventd_ingest, eventd_rollup, eventd_maintenance;
GRANT SELECT, INSERT ON analytics.events, analytics.rejected_events, analytics.untimed_event_ids TO eventd_ingest;
-- The migration ledger (created by `eventd migrate`, absent when the SQL is applied with psql) is
-- the migrating role's: readable by eventd's roles (the start-up schema check), writable by no client.
DO $ledger$
BEGIN
    IF to_regclass('eventd.schema_migrations') IS NOT NULL THEN
        REVOKE INSERT, UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON eventd.schema_migrations FROM service_role;
        GRANT SELECT ON eventd.schema_migrations TO eventd_ingest, eventd_rollup, eventd_maintenance;
    END IF;
END
$ledger$;
GRANT EXECUTE ON FUNCTION analytics.run_rollups(interval, analytics.bucket_width[]), public.process_pending_events(interval)
    TO eventd_rollup;
GRANT EXECUTE ON FUNCTION analytics.ensure_event_partitions(int, int), public.abandon_inactive_sessions(interval),
    public.cleanup_old_data(interval, interval), analytics.drop_old_rollups(interval), public.process_pending_events(interval)
    TO eventd_maintenance;

-- ===========================================================================================
-- EXECUTE: explicit revokes (Supabase grants EXECUTE in public to the API roles by default)
-- ===========================================================================================
REVOKE EXECUTE ON FUNCTION
    public.gdpr_delete_user_data(text), public.cleanup_old_data(interval, interval),
    public.abandon_inactive_sessions(interval), public.process_pending_events(interval),
    analytics.ensure_event_partitions(int, int), analytics.drop_event_partitions(interval),
    analytics.run_rollups(interval, analytics.bucket_width[]), analytics.refresh_business_metrics(),
    analytics.drop_old_rollups(interval), marketing.hit_lead_rate_limit(inet, text)
    FROM anon, authenticated;
REVOKE EXECUTE ON FUNCTION eventd.begin_maintenance(text), eventd.end_maintenance(text),
    marketing.hit_lead_bucket(text, text) FROM anon, authenticated, service_role;

-- ===========================================================================================
-- 1. pg_temp last in every function's search_path
-- ===========================================================================================
-- Without an explicit pg_temp, PostgreSQL searches the caller's temporary schema FIRST for tables
-- and views, so a SECURITY DEFINER body's unqualified relation could be the caller's pg_temp copy.
DO $sp$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT p.oid::regprocedure AS fn, substr(c.cfg, 13) AS path
        FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        CROSS JOIN LATERAL unnest(p.proconfig) AS c(cfg)
        WHERE n.nspname IN ('public', 'marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd')
          AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
          AND c.cfg LIKE 'search_path=%'
          AND c.cfg !~ 'pg_temp$'
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %s, pg_temp', r.fn, r.path);
    END LOOP;
END
$sp$;
