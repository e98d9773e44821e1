-- The plain `WHERE email = …` lookup users type is served by an index (007), not only the
-- normalised-expression form.
BEGIN;
SELECT plan(3);

SELECT has_index('marketing', 'leads', 'leads_email_key', 'leads have an index on the stored (normalised) email');
SELECT ok((SELECT indisunique FROM pg_index WHERE indexrelid = 'marketing.leads_email_key'::regclass),
          'the plain email index is unique, as the normalised key is');

CREATE FUNCTION pg_temp.plan_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    line text;
    plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN ' || query LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END
$$;
-- The seed table is tiny, so the planner would scan it anyway; forbid that to see the index is usable.
SET LOCAL enable_seqscan = off;
SELECT matches(pg_temp.plan_of($q$SELECT * FROM marketing.leads WHERE email = 'user@company.com'$q$),
               'leads_email_key', 'WHERE email = … uses the plain email index');

SELECT * FROM finish();
ROLLBACK;
