-- 002_rls_policies.sql
-- Roles, identity helpers, GRANTs, Row Level Security on every table, the audit trail and the
-- public lead-insert rate limit.
--
-- Access model (who is who):
--   anon           PostgREST role for unauthenticated requests: may INSERT leads and create / read /
--                  update ONLY the onboarding session whose token it presents in app.session_token.
--   authenticated  Signed-in users: as anon, plus read their own lead (email = JWT email or app.user_email).
--   "admin"        public.is_admin(): a member of role eventd_admin (staff tools, the migrating/owner
--                  role) OR an authenticated request whose JWT carries app_metadata.role = "admin".
--                  Admins read and manage analytics, experiments, whatsapp, CRM and audit data.
--   service_role   Backend jobs; BYPASSRLS like Supabase, full GRANTs.
-- Identity GUCs (app.user_email, app.session_token, request.jwt.claims) are set by the trusted API
-- layer per request (PostgREST sets request.jwt.claims; clients cannot set arbitrary GUCs through it).
--
-- FORCE ROW LEVEL SECURITY is on for every table except analytics.events and
-- analytics.rejected_events: COPY FROM is refused on tables with RLS in force for the copying role,
-- and the daemon COPYs into those two as their owner (or a BYPASSRLS role).  The owner role is made a
-- member of eventd_admin below so that the owner-run SECURITY DEFINER functions still pass policies.

-- ---------------------------------------------------------------------------
-- Roles (exist already on Supabase; created here so plain PostgreSQL works)
-- ---------------------------------------------------------------------------
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN NOINHERIT;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        BEGIN
            CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
        EXCEPTION WHEN insufficient_privilege THEN
            -- Only a superuser may grant BYPASSRLS; fall back so the migration still applies.
            CREATE ROLE service_role NOLOGIN NOINHERIT;
            RAISE NOTICE 'service_role created without BYPASSRLS (migrating role is not superuser)';
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'eventd_admin') THEN
        CREATE ROLE eventd_admin NOLOGIN NOINHERIT;
    END IF;
    -- The owner runs SECURITY DEFINER maintenance functions; FORCE RLS applies to it, so it is an admin.
    IF NOT pg_has_role(current_user, 'eventd_admin', 'MEMBER') THEN
        EXECUTE format('GRANT eventd_admin TO %I', current_user);
    END IF;
END
$roles$;
COMMENT ON ROLE eventd_admin IS 'eventd staff/admin role: members pass public.is_admin() and may manage analytics, experiments, whatsapp and CRM data.';

-- ---------------------------------------------------------------------------
-- Identity helpers used by policies and the audit trail
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.request_jwt_claims() RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$ SELECT coalesce(nullif(current_setting('request.jwt.claims', true), '')::jsonb, '{}'::jsonb) $$;
COMMENT ON FUNCTION public.request_jwt_claims() IS 'JWT claims PostgREST/Supabase put in request.jwt.claims, or {}.';

CREATE FUNCTION public.request_email() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT lower(btrim(coalesce(nullif(public.request_jwt_claims() ->> 'email', ''),
                                nullif(current_setting('app.user_email', true), ''))))
$$;
COMMENT ON FUNCTION public.request_email() IS 'Normalised email of the caller: JWT email claim, else app.user_email; NULL when unknown.';

CREATE FUNCTION public.request_session_token() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$ SELECT nullif(current_setting('app.session_token', true), '') $$;
COMMENT ON FUNCTION public.request_session_token() IS 'Onboarding session token presented by the caller (app.session_token), or NULL.';

CREATE FUNCTION public.is_admin() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT pg_has_role(current_user, 'eventd_admin', 'MEMBER')
        OR (current_user = 'authenticated'
            AND public.request_jwt_claims() -> 'app_metadata' ->> 'role' = 'admin')
$$;
COMMENT ON FUNCTION public.is_admin() IS
    'Definition of "admin": current role is a member of eventd_admin, or an authenticated request whose JWT has app_metadata.role = admin.';

CREATE FUNCTION public.request_identity() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$
    SELECT coalesce(
        nullif(public.request_jwt_claims() ->> 'sub', ''),
        public.request_email(),
        -- never store the bearer token itself: a short hash is enough to correlate
        'session:' || left(encode(sha256(convert_to(public.request_session_token(), 'UTF8')), 'hex'), 16))
$$;
COMMENT ON FUNCTION public.request_identity() IS 'Best application-level identity for audit: JWT sub, else email, else a hash of the session token.';

CREATE FUNCTION public.session_user_role() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog
AS $$ SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END $$;
-- SECURITY DEFINER changes current_user but not the SET ROLE setting, so this still names the caller.
COMMENT ON FUNCTION public.session_user_role() IS 'Role the client acts as (SET ROLE target, else the login role); unaffected by SECURITY DEFINER.';

-- ---------------------------------------------------------------------------
-- Audit trail
-- ---------------------------------------------------------------------------
CREATE FUNCTION public.audit_trigger() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- callers (anon ...) have no INSERT on audit_log; the trail must not depend on their grants
SET search_path = pg_catalog, public
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
    IF current_setting('eventd.maintenance', true) = 'retention' THEN
        RETURN NULL;
    END IF;
    -- During a GDPR erasure the row images would re-create the personal data we are deleting.
    IF current_setting('eventd.maintenance', true) = 'gdpr_erasure' THEN
        v_old := CASE WHEN v_old IS NOT NULL THEN jsonb_build_object('id', v_old -> 'id', 'redacted', true) END;
        v_new := CASE WHEN v_new IS NOT NULL THEN jsonb_build_object('id', v_new -> 'id', 'redacted', true) END;
    END IF;
    INSERT INTO public.audit_log (db_user, app_identity, table_schema, table_name, operation, row_id,
                                  old_data, new_data, changed_columns)
    VALUES (session_user_role(), public.request_identity(), TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP,
            coalesce(v_new, v_old) ->> 'id', v_old, v_new, v_changed);
    RETURN NULL;
END
$fn$;
COMMENT ON FUNCTION public.audit_trigger() IS 'AFTER ROW trigger writing who/when/what (old and new row as jsonb) into public.audit_log.';

CREATE TRIGGER audit_leads AFTER INSERT OR UPDATE OR DELETE ON marketing.leads
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_lead_interactions AFTER INSERT OR UPDATE OR DELETE ON marketing.lead_interactions
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_sessions AFTER INSERT OR UPDATE OR DELETE ON onboarding.sessions
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_step_activities AFTER INSERT OR UPDATE OR DELETE ON onboarding.step_activities
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_experiments AFTER INSERT OR UPDATE OR DELETE ON experiments.experiments
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_assignments AFTER INSERT OR UPDATE OR DELETE ON experiments.assignments
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_accounts AFTER INSERT OR UPDATE OR DELETE ON whatsapp.accounts
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
CREATE TRIGGER audit_templates AFTER INSERT OR UPDATE OR DELETE ON whatsapp.templates
    FOR EACH ROW EXECUTE FUNCTION public.audit_trigger();
-- Deliberately none on analytics.* (hot path / rollups are derived data).

-- ---------------------------------------------------------------------------
-- Public lead-insert rate limiting
-- ---------------------------------------------------------------------------
CREATE TABLE marketing.lead_rate_limits (
    bucket_key   text NOT NULL CHECK (bucket_key ~ '^(ip|email):[0-9a-f]{64}$'),
    window_start timestamptz NOT NULL,
    hits         integer NOT NULL DEFAULT 0 CHECK (hits >= 0),
    PRIMARY KEY (bucket_key, window_start)
);
COMMENT ON TABLE marketing.lead_rate_limits IS
    'Fixed-window counters of public lead submissions per IP and per email. Keys are SHA-256 hashes, so no personal data in clear.';
COMMENT ON COLUMN marketing.lead_rate_limits.bucket_key IS 'ip:<sha256 of host(ip)> or email:<sha256 of normalised email>.';

CREATE FUNCTION marketing.hit_lead_rate_limit(p_ip inet, p_email text) RETURNS void
LANGUAGE plpgsql
SECURITY DEFINER  -- anon has no access to the counter table
SET search_path = pg_catalog, marketing
AS $fn$
-- Limits (override with ALTER DATABASE ... SET eventd.lead_rate_limit_ip = '...'):
--   eventd.lead_rate_limit_ip      submissions per IP per window     (default 20)
--   eventd.lead_rate_limit_email   submissions per email per window  (default 5)
--   eventd.lead_rate_window        window length                     (default 10 minutes)
DECLARE
    v_window interval := coalesce(nullif(current_setting('eventd.lead_rate_window', true), '')::interval, interval '10 minutes');
    v_ip_max int := coalesce(nullif(current_setting('eventd.lead_rate_limit_ip', true), '')::int, 20);
    v_em_max int := coalesce(nullif(current_setting('eventd.lead_rate_limit_email', true), '')::int, 5);
    v_start  timestamptz := date_bin(v_window, now(), timestamptz '2000-01-01 00:00:00+00');
    v_hits   int;
    v_key    text;
    v_limit  int;
    v_what   text;
BEGIN
    FOR v_key, v_limit, v_what IN
        SELECT 'ip:' || encode(sha256(convert_to(host(p_ip), 'UTF8')), 'hex'), v_ip_max, 'IP address' WHERE p_ip IS NOT NULL
        UNION ALL
        SELECT 'email:' || encode(sha256(convert_to(lower(btrim(p_email)), 'UTF8')), 'hex'), v_em_max, 'email address' WHERE p_email IS NOT NULL
    LOOP
        INSERT INTO marketing.lead_rate_limits AS r (bucket_key, window_start, hits)
        VALUES (v_key, v_start, 1)
        ON CONFLICT (bucket_key, window_start) DO UPDATE SET hits = r.hits + 1
        RETURNING hits INTO v_hits;
        IF v_hits > v_limit THEN
            -- PT429: PostgREST turns SQLSTATE PTxyz into HTTP status xyz (429 Too Many Requests).
            RAISE EXCEPTION 'lead submission rate limit exceeded: at most % submissions per % from one %',
                            v_limit, v_window, v_what
                USING ERRCODE = 'PT429',
                      HINT = format('Retry after %s.', v_start + v_window);
        END IF;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION marketing.hit_lead_rate_limit(inet, text) IS
    'Counts one public lead submission for the IP and the email; raises SQLSTATE PT429 when a limit is exceeded.';

CREATE FUNCTION marketing.leads_rate_limit() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER  -- the counter table is owner-only; the caller is identified via session_user_role()
SET search_path = pg_catalog, public, marketing
AS $fn$
DECLARE
    v_caller text := public.session_user_role();
BEGIN
    -- Trusted backends (service_role, eventd_admin members, the owner, JWT admins) are not throttled;
    -- the public API roles are.
    IF NOT (pg_has_role(v_caller, 'service_role', 'MEMBER')
            OR pg_has_role(v_caller, 'eventd_admin', 'MEMBER')
            OR (v_caller = 'authenticated' AND public.request_jwt_claims() -> 'app_metadata' ->> 'role' = 'admin')) THEN
        PERFORM marketing.hit_lead_rate_limit(NEW.ip_address, NEW.email);
    END IF;
    RETURN NEW;
END
$fn$;
COMMENT ON FUNCTION marketing.leads_rate_limit() IS 'BEFORE INSERT trigger throttling public (anon/authenticated) lead submissions.';

-- Name sorts before the 004 dedup trigger: repeated submissions of one email are throttled too.
CREATE TRIGGER leads_10_rate_limit BEFORE INSERT ON marketing.leads
    FOR EACH ROW EXECUTE FUNCTION marketing.leads_rate_limit();

-- ---------------------------------------------------------------------------
-- Enable RLS everywhere
-- ---------------------------------------------------------------------------
ALTER TABLE marketing.leads               ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketing.lead_interactions   ENABLE ROW LEVEL SECURITY;
ALTER TABLE marketing.lead_rate_limits    ENABLE ROW LEVEL SECURITY;
ALTER TABLE onboarding.sessions           ENABLE ROW LEVEL SECURITY;
ALTER TABLE onboarding.step_activities    ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.events              ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.rejected_events     ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.metrics             ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics.event_aggregations  ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiments.experiments       ENABLE ROW LEVEL SECURITY;
ALTER TABLE experiments.assignments       ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp.accounts             ENABLE ROW LEVEL SECURITY;
ALTER TABLE whatsapp.templates            ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audit_log              ENABLE ROW LEVEL SECURITY;

-- FORCE: the owner goes through the policies too (NOT events/rejected_events: the daemon COPYs as owner).
ALTER TABLE marketing.leads               FORCE ROW LEVEL SECURITY;
ALTER TABLE marketing.lead_interactions   FORCE ROW LEVEL SECURITY;
ALTER TABLE marketing.lead_rate_limits    FORCE ROW LEVEL SECURITY;
ALTER TABLE onboarding.sessions           FORCE ROW LEVEL SECURITY;
ALTER TABLE onboarding.step_activities    FORCE ROW LEVEL SECURITY;
ALTER TABLE analytics.metrics             FORCE ROW LEVEL SECURITY;
ALTER TABLE analytics.event_aggregations  FORCE ROW LEVEL SECURITY;
ALTER TABLE experiments.experiments       FORCE ROW LEVEL SECURITY;
ALTER TABLE experiments.assignments       FORCE ROW LEVEL SECURITY;
ALTER TABLE whatsapp.accounts             FORCE ROW LEVEL SECURITY;
ALTER TABLE whatsapp.templates            FORCE ROW LEVEL SECURITY;
ALTER TABLE public.audit_log              FORCE ROW LEVEL SECURITY;

-- ---------------------------------------------------------------------------
-- Policies
-- ---------------------------------------------------------------------------
-- Leads: the public form may insert brand-new leads only; a signed-in person reads their own row.
CREATE POLICY leads_public_insert ON marketing.leads FOR INSERT TO anon, authenticated
    WITH CHECK (status = 'new' AND score = 0 AND converted_at IS NULL);
CREATE POLICY leads_select_own ON marketing.leads FOR SELECT TO authenticated
    USING (email = public.request_email());
CREATE POLICY leads_admin ON marketing.leads FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

CREATE POLICY lead_interactions_admin ON marketing.lead_interactions FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

-- Counter rows are only touched through marketing.hit_lead_rate_limit() (owner); GRANTs keep clients out.
CREATE POLICY lead_rate_limits_owner ON marketing.lead_rate_limits FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

-- Onboarding: the bearer of the session token owns the session and its activities.
CREATE POLICY sessions_token_insert ON onboarding.sessions FOR INSERT TO anon, authenticated
    WITH CHECK (session_token = public.request_session_token());
CREATE POLICY sessions_token_select ON onboarding.sessions FOR SELECT TO anon, authenticated
    USING (session_token = public.request_session_token());
CREATE POLICY sessions_token_update ON onboarding.sessions FOR UPDATE TO anon, authenticated
    USING (session_token = public.request_session_token())
    WITH CHECK (session_token = public.request_session_token());
CREATE POLICY sessions_admin ON onboarding.sessions FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

CREATE POLICY step_activities_token_insert ON onboarding.step_activities FOR INSERT TO anon, authenticated
    WITH CHECK (session_id IN (SELECT s.id FROM onboarding.sessions s WHERE s.session_token = public.request_session_token()));
CREATE POLICY step_activities_token_select ON onboarding.step_activities FOR SELECT TO anon, authenticated
    USING (session_id IN (SELECT s.id FROM onboarding.sessions s WHERE s.session_token = public.request_session_token()));
CREATE POLICY step_activities_admin ON onboarding.step_activities FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

-- Analytics, experiments, WhatsApp: admin / service only.
CREATE POLICY events_admin ON analytics.events FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY rejected_events_admin ON analytics.rejected_events FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY metrics_admin ON analytics.metrics FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY event_aggregations_admin ON analytics.event_aggregations FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY experiments_admin ON experiments.experiments FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY assignments_admin ON experiments.assignments FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY accounts_admin ON whatsapp.accounts FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());
CREATE POLICY templates_admin ON whatsapp.templates FOR ALL
    USING (public.is_admin()) WITH CHECK (public.is_admin());

-- Audit log: admins read; rows are appended by the definer trigger; rows may only change or go away
-- during a GDPR erasure or retention run (eventd.maintenance set by those functions).
CREATE POLICY audit_log_admin_select ON public.audit_log FOR SELECT
    USING (public.is_admin());
CREATE POLICY audit_log_append ON public.audit_log FOR INSERT
    WITH CHECK (true);  -- only roles holding INSERT (the owner) reach this
CREATE POLICY audit_log_maintenance_update ON public.audit_log FOR UPDATE
    USING (current_setting('eventd.maintenance', true) IN ('gdpr_erasure', 'retention'));
CREATE POLICY audit_log_maintenance_delete ON public.audit_log FOR DELETE
    USING (current_setting('eventd.maintenance', true) IN ('gdpr_erasure', 'retention'));

-- ---------------------------------------------------------------------------
-- GRANTs (privileges gate first, policies filter rows second)
-- ---------------------------------------------------------------------------
GRANT USAGE ON SCHEMA marketing, onboarding TO anon, authenticated;
GRANT USAGE ON SCHEMA marketing, onboarding, analytics, experiments, whatsapp TO authenticated, eventd_admin, service_role;
GRANT USAGE ON SCHEMA eventd TO eventd_admin, service_role;

GRANT INSERT ON marketing.leads TO anon, authenticated;
GRANT SELECT ON marketing.leads TO authenticated;
GRANT SELECT, INSERT, UPDATE ON onboarding.sessions TO anon, authenticated;
GRANT SELECT, INSERT ON onboarding.step_activities TO anon, authenticated;

-- authenticated gets table privileges so JWT admins can work; RLS admits only is_admin() rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON
    marketing.leads, marketing.lead_interactions, onboarding.sessions, onboarding.step_activities,
    analytics.events, analytics.rejected_events, analytics.metrics, analytics.event_aggregations,
    experiments.experiments, experiments.assignments, whatsapp.accounts, whatsapp.templates
    TO authenticated, eventd_admin;
GRANT SELECT ON public.audit_log TO authenticated, eventd_admin;

GRANT ALL ON ALL TABLES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd TO service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd TO service_role;
GRANT SELECT ON public.audit_log TO service_role;
-- Future partitions / tables created by the owner are usable by the backend role too.
ALTER DEFAULT PRIVILEGES IN SCHEMA marketing, onboarding, analytics, experiments, whatsapp, eventd
    GRANT ALL ON TABLES TO service_role;

-- Partition maintenance is an operator task.
REVOKE EXECUTE ON FUNCTION analytics.ensure_event_partitions(int, int), analytics.drop_event_partitions(interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION analytics.ensure_event_partitions(int, int), analytics.drop_event_partitions(interval)
    TO service_role, eventd_admin;
REVOKE EXECUTE ON FUNCTION marketing.hit_lead_rate_limit(inet, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION marketing.hit_lead_rate_limit(inet, text) TO service_role;
