-- Supabase's database linter (splinter) security rules, adapted to this schema and run as pgTAP:
-- each check counts the objects the rule would report and expects none.  Adapted where our design
-- differs on purpose: search_path is pinned to 'pg_catalog, <own schema>, pg_temp' rather than ''
-- (0011 asks for ''; what matters is that no caller-writable schema, and pg_temp only last, is on
-- it), and the "exposed" schemas are all of ours, not only public.
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
SELECT plan(8);

CREATE TEMP VIEW our_schemas AS
SELECT n.oid, n.nspname FROM pg_namespace n
WHERE n.nspname IN ('public', 'marketing', 'onboarding', 'analytics', 'experiments', 'whatsapp', 'eventd');

-- 0010 security_definer_view: a view the API roles can read must run with the reader's rights.
SELECT is((SELECT string_agg(c.oid::regclass::text, ', ') FROM pg_class c JOIN our_schemas s ON s.oid = c.relnamespace
           LEFT JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'e'
           WHERE c.relkind = 'v' AND d.objid IS NULL
             AND (has_table_privilege('anon', c.oid, 'SELECT') OR has_table_privilege('authenticated', c.oid, 'SELECT'))
             AND NOT coalesce(lower(c.reloptions::text)::text[] && ARRAY['security_invoker=1', 'security_invoker=true', 'security_invoker=on'], false)),
          NULL, '0010 security_definer_view: none');

-- 0011 function_search_path_mutable (adapted): every function pins search_path, pg_temp last, and
-- no schema on it is one a client role may CREATE in.
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p JOIN our_schemas s ON s.oid = p.pronamespace
           LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
           WHERE d.objid IS NULL AND p.prokind = 'f'
             AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c
                             WHERE c ~ '^search_path=.*pg_temp$'
                               AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(substr(c, 13), ',')) AS sp(name)
                                               JOIN pg_namespace n ON n.nspname = btrim(sp.name)
                                               CROSS JOIN (VALUES ('anon'), ('authenticated'), ('service_role')) r(role)
                                               WHERE has_schema_privilege(r.role, n.oid, 'CREATE')))),
          NULL, '0011 function_search_path_mutable: every function has a fixed, caller-proof search_path ending in pg_temp');

-- 0013 rls_disabled_in_public (all our schemas): every table has RLS.
SELECT is((SELECT string_agg(c.oid::regclass::text, ', ') FROM pg_class c JOIN our_schemas s ON s.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT c.relrowsecurity
             AND c.relname <> 'schema_migrations' AND c.relname NOT LIKE '\_\_%'),
          NULL, '0013 rls_disabled: none');

-- 0007 policy_exists_rls_disabled: no policy sits on a table without RLS.
SELECT is((SELECT string_agg(c.oid::regclass::text, ', ') FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
           JOIN our_schemas s ON s.oid = c.relnamespace WHERE NOT c.relrowsecurity),
          NULL, '0007 policy_exists_rls_disabled: none');

-- 0024 rls_policy_always_true: no permissive policy open to everyone, anon or authenticated whose
-- USING (UPDATE/DELETE/ALL) or WITH CHECK is always true.
SELECT is((SELECT string_agg(pb.schemaname || '.' || pb.tablename || ':' || pb.policyname, ', ')
           FROM pg_policy pa JOIN pg_class pc ON pc.oid = pa.polrelid JOIN our_schemas s ON s.oid = pc.relnamespace
           JOIN pg_policies pb ON pb.schemaname = s.nspname AND pb.tablename = pc.relname AND pb.policyname = pa.polname
           WHERE pc.relrowsecurity AND pa.polpermissive
             AND (pa.polroles = ARRAY[0::oid] OR EXISTS (SELECT 1 FROM unnest(pa.polroles) r WHERE r::regrole::text IN ('anon', 'authenticated')))
             AND ((pb.cmd IN ('UPDATE', 'DELETE', 'ALL') AND (replace(lower(coalesce(pb.qual, '')), ' ', '') IN ('true', '(true)', '1=1', '(1=1)') OR pb.qual IS NULL))
                  OR replace(lower(coalesce(pb.with_check, '')), ' ', '') IN ('true', '(true)', '1=1', '(1=1)')
                  OR (pb.with_check IS NULL AND pb.cmd = 'INSERT'))),
          NULL, '0024 rls_policy_always_true: none');

-- 0015 rls_references_user_metadata (auth misuse): user_metadata is editable by the user, so no
-- policy and no function may decide anything from it.
SELECT is((SELECT count(*)::int FROM pg_policies p JOIN our_schemas s ON s.nspname = p.schemaname
           WHERE coalesce(p.qual, '') || coalesce(p.with_check, '') LIKE '%user_metadata%')
        + (SELECT count(*)::int FROM pg_proc p JOIN our_schemas s ON s.oid = p.pronamespace
           LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
           WHERE d.objid IS NULL AND p.prosrc LIKE '%user_metadata%'),
          0, '0015 rls_references_user_metadata: none (admin comes from app_metadata only)');

-- 0028 / 0029 anon / authenticated security definer function executable: only the two meant for them.
SELECT is((SELECT string_agg(p.oid::regprocedure::text, ', ') FROM pg_proc p JOIN our_schemas s ON s.oid = p.pronamespace
           LEFT JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
           WHERE d.objid IS NULL AND p.prosecdef AND p.prorettype <> 'trigger'::regtype
             AND (has_function_privilege('anon', p.oid, 'EXECUTE') OR has_function_privilege('authenticated', p.oid, 'EXECUTE'))
             AND p.oid NOT IN ('public.auto_assign_experiments(uuid, text, text)'::regprocedure,
                               coalesce(to_regprocedure('eventd.in_maintenance(text)'), 0))),
          NULL, '0028/0029 security definer functions callable by anon/authenticated: only auto_assign_experiments and in_maintenance');

-- 0002 auth_users_exposed (adapted): no view of ours reads auth.users.
SELECT is((SELECT count(*)::int FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
           JOIN our_schemas s ON s.oid = v.relnamespace
           WHERE d.refobjid = coalesce(to_regclass('auth.users'), 0::oid)),
          0, '0002 auth_users_exposed: none');

SELECT * FROM finish();
ROLLBACK;
