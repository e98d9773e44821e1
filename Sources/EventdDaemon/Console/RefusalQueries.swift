/// The SQL behind `/console/refusals`: two fixed statements whose filters are all parameters —
/// `$1` the period (an interval), `$2` the reason or NULL, `$3` the source key or NULL, and for the
/// counts `$4` the width of their buckets (`minute` or `hour`). PostgreSQL plans an unnamed statement with its
/// parameters' values, so an unset filter (`NULL IS NULL`) folds away and a set one can use
/// `rejected_events_reason_time_idx`. `Benchmarks/query-bench.sh` reads these very strings from this
/// file (keep each a `public static let` multi-line literal) and times them with the values written
/// in, for the filter sets the page offers.
public enum RefusalQueries {
    /// Refusals per bucket and reason over the period. Grouped on the truncated time and formatted
    /// afterwards: `to_char` once per bucket rather than once per refusal halves the 7-day count on
    /// the 10M-event dataset (~23k refusals: 36 → 18–25 ms, same rows; Benchmarks/RESULTS.md).
    public static let counts = """
        SELECT to_char(bucket, 'MM-DD HH24:MI') AS bucket, reason, n
        FROM (SELECT date_trunc($4, received_at, 'UTC') AS bucket, reason, count(*)::bigint AS n
              FROM analytics.rejected_events
              WHERE received_at >= now() - $1::interval AND ($2::text IS NULL OR reason = $2) AND ($3::text IS NULL OR source_key = $3)
              GROUP BY 1, 2) AS per_bucket
        ORDER BY 1, 2
        """

    /// The latest 50 refusals, with the first 401 bytes of each payload (400 shown, one to know it was cut).
    public static let samples = """
        SELECT to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at, transport::text, source_key, reason, detail,
               raw_size, encode(substring(raw FROM 1 FOR 401), 'hex') AS raw
        FROM analytics.rejected_events
        WHERE received_at >= now() - $1::interval AND ($2::text IS NULL OR reason = $2) AND ($3::text IS NULL OR source_key = $3)
        ORDER BY id DESC LIMIT 50
        """

    /// The statements with their parameters (`$1`…`$4` of the counts, `$1`…`$3` of the samples), in
    /// the order the page runs them.
    public static func statements(interval: String, reason: String?, sourceKey: String?,
                                  bucket: String) -> [(sql: String, parameters: [String?])] {
        [(counts, [interval, reason, sourceKey, bucket]), (samples, [interval, reason, sourceKey])]
    }
}
