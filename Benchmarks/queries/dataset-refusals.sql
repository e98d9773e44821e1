-- Query-target dataset, part 3: :refusals rows of analytics.rejected_events (psql -v refusals=100000)
-- spread evenly over the last 30 days in id order (as live: a later refusal has a larger id), for the
-- console's refusals page (RefusalQueries): reasons in a skewed mix (malformed JSON most often), three
-- source keys 'bench', 'bench-web', 'bench-app', and a ~300-byte refused payload each. Replaces
-- earlier rows of its own (source_key 'bench%').
DELETE FROM analytics.rejected_events WHERE source_key LIKE 'bench%';
INSERT INTO analytics.rejected_events (received_at, transport, source_key, reason, detail, raw, raw_size)
SELECT now() - ((:refusals - g)::float8 / :refusals) * interval '30 days',
       (ARRAY['http', 'http', 'tcp', 'udp'])[1 + g % 4]::analytics.transport,
       (ARRAY['bench', 'bench-web', 'bench-app'])[1 + g % 3],
       (ARRAY['malformed_json', 'malformed_json', 'malformed_json', 'missing_identity', 'missing_identity',
              'invalid_event_type', 'invalid_timestamp', 'timestamp_out_of_range', 'too_deep', 'event_too_large'])[1 + (g * 7) % 10],
       'bench refusal ' || g,
       convert_to('{"type":"track","event":"Signed Up","properties":{"plan":"pro","n":' || g || ',"note":"'
                  || repeat('x', 200) || '"', 'UTF8'),
       300
FROM generate_series(1, :refusals) AS g;
