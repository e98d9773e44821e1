-- 007: lead lookup by plain email.
--
-- why: users type `WHERE email = 'user@company.com'`; the unique index from 003 is on
-- lower(btrim(email)) and serves only that expression, so the plain form scanned the table
-- (15–47 ms on 100k leads, Benchmarks/RESULTS.md). Emails are stored lower-cased and trimmed
-- (CHECK in 001), so equality on the column is equality on the normalised key, and this index is
-- unique for the same reason.
CREATE UNIQUE INDEX IF NOT EXISTS leads_email_key ON marketing.leads (email);
