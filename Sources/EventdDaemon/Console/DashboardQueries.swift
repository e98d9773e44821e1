/// The SQL behind `/console/dashboards`, one statement per panel, reading rollup tables and views only
/// (`analytics.event_hour_type_totals` through `events_per_hour_by_type`, `analytics.event_aggregations`,
/// `analytics.metrics` through `lead_funnel_30d` / `onboarding_dropoff_7d`) — never raw events.
/// `Benchmarks/query-bench.sh` reads these very strings from this file (keep each a `public static let`
/// multi-line literal) and times them with their plans on the benchmark dataset.
public enum DashboardQueries {
    /// Events per hour by type, last 48 hours (UTC).
    public static let hourlyByType = """
        SELECT to_char(hour AT TIME ZONE 'UTC', 'MM-DD HH24:00') AS hour, type::text AS type, events
        FROM analytics.events_per_hour_by_type
        WHERE hour >= date_trunc('hour', now() - interval '47 hours', 'UTC')
        ORDER BY events_per_hour_by_type.hour, type
        """

    /// The ten most frequent event names, last 7 UTC days (today included).
    public static let topNames = """
        SELECT name, sum(event_count)::bigint AS events
        FROM analytics.event_aggregations
        WHERE bucket_width = 'day' AND bucket_start >= date_trunc('day', now() - interval '6 days', 'UTC')
        GROUP BY name ORDER BY events DESC, name LIMIT 10
        """

    /// Leads created in the last 30 days by current status, in funnel order.
    public static let leadFunnel = """
        SELECT status, sum(count)::bigint AS leads
        FROM analytics.lead_funnel_30d
        GROUP BY status ORDER BY status::marketing.lead_status
        """

    /// Onboarding sessions started in the last 7 days by the step they are at and their status.
    public static let onboardingDropoff = """
        SELECT current_step, status, sessions, round(avg_progress, 1)::text AS avg_progress
        FROM analytics.onboarding_dropoff_7d
        ORDER BY current_step::onboarding.step, status
        """

    /// Per experiment and variant over the last 30 days: assigned, exposed, converted.
    public static let experiments = """
        SELECT dimensions ->> 'experiment' AS experiment, dimensions ->> 'variant' AS variant,
               coalesce(sum(value) FILTER (WHERE metric_name = 'experiments.assigned'), 0)::bigint AS assigned,
               coalesce(sum(value) FILTER (WHERE metric_name = 'experiments.exposed'), 0)::bigint AS exposed,
               coalesce(sum(value) FILTER (WHERE metric_name = 'experiments.converted'), 0)::bigint AS converted
        FROM analytics.metrics
        WHERE metric_name IN ('experiments.assigned', 'experiments.exposed', 'experiments.converted')
          AND bucket_width = 'day' AND bucket_start >= date_trunc('day', now() - interval '30 days', 'UTC')
        GROUP BY 1, 2 ORDER BY 1, 2
        """

    /// WhatsApp accounts by status (all time): activation is active over all.
    public static let whatsappActivation = """
        SELECT dimensions ->> 'status' AS status, sum(value)::bigint AS accounts
        FROM analytics.metrics
        WHERE metric_name = 'whatsapp.accounts' AND bucket_width = 'day'
        GROUP BY 1 ORDER BY 1
        """

    /// Every panel's statement, named, in page order (the benchmark and the EXPLAIN check run these).
    public static let all: [(name: String, sql: String)] = [
        ("hourly_by_type", hourlyByType), ("top_names", topNames), ("lead_funnel", leadFunnel),
        ("onboarding_dropoff", onboardingDropoff), ("experiments", experiments), ("whatsapp_activation", whatsappActivation),
    ]
}
