import EventdPostgres
import EventdCore

/// The SQL the loader speaks. Column lists come from the row encoder, so the COPY statement and the
/// bytes it carries cannot drift apart.
enum EventColumns {
    static let copyStatement = "COPY analytics.events (\(CopyRowEncoder.eventsColumnList)) FROM STDIN"

    /// Session-local twin of analytics.events without constraints or indexes: the slow path copies
    /// here and inserts with ON CONFLICT DO NOTHING. Rows are deleted at each commit.
    static let createStaging = """
        CREATE TEMP TABLE IF NOT EXISTS eventd_staging
            (LIKE analytics.events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS
        """

    static let stagingCopyStatement = "COPY pg_temp.eventd_staging (\(CopyRowEncoder.eventsColumnList)) FROM STDIN"

    /// The events COPY (into analytics.events or the staging table), in text or binary format.
    static func copyStatement(staging: Bool, binary: Bool) -> String {
        let statement = staging ? stagingCopyStatement : copyStatement
        return binary ? statement + " WITH (FORMAT binary)" : statement
    }

    /// Keys of events sent with an id but no timestamp (`UntimedEventKeys`), COPied beside the events.
    static let untimedCopyStatement = "COPY analytics.untimed_event_ids (event_id, original_timestamp) FROM STDIN"

    /// The staging rows, less duplicates: ON CONFLICT covers `(event_id, original_timestamp)`; an
    /// untimed row (sender id, no timestamp: original_timestamp = received_at) lands only if its
    /// event_id is new to analytics.untimed_event_ids, or is there with this very original_timestamp
    /// (our own retry of a cut whose commit reply was lost). The CTE's RETURNING covers the keys this
    /// statement adds; the EXISTS on the table covers the ones stored before it.
    static let insertFromStaging = """
        WITH untimed AS (
            INSERT INTO analytics.untimed_event_ids (event_id, original_timestamp)
            SELECT DISTINCT ON (event_id) event_id, original_timestamp FROM pg_temp.eventd_staging
            WHERE message_id IS NOT NULL AND original_timestamp = received_at
            ORDER BY event_id, original_timestamp
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id, original_timestamp)
        INSERT INTO analytics.events (\(CopyRowEncoder.eventsColumnList))
        SELECT \(CopyRowEncoder.eventsColumnList) FROM pg_temp.eventd_staging s
        WHERE s.message_id IS NULL OR s.original_timestamp <> s.received_at
           OR EXISTS (SELECT 1 FROM untimed u WHERE u.event_id = s.event_id AND u.original_timestamp = s.original_timestamp)
           OR EXISTS (SELECT 1 FROM analytics.untimed_event_ids k
                      WHERE k.event_id = s.event_id AND k.original_timestamp = s.original_timestamp)
        ON CONFLICT DO NOTHING
        """
}

/// Refusals are never COPied into analytics.rejected_events directly: a refusal written again (a
/// retried cut, a replayed spool record, a resend) would break its unique `rejection_id` and with it
/// the whole transaction. They go through a session-local staging table and
/// `INSERT … ON CONFLICT (rejection_id) DO NOTHING` — rare rows, so the extra step costs nothing
/// in steady state.
enum RejectedEventColumns {
    /// The COPY columns only (not LIKE: that would copy the identity column's NOT NULL without its default).
    static let createStaging = """
        CREATE TEMP TABLE IF NOT EXISTS eventd_rejected_staging ON COMMIT DELETE ROWS AS
            SELECT \(CopyRowEncoder.rejectedColumnList) FROM analytics.rejected_events WITH NO DATA
        """

    static let stagingCopyStatement =
        "COPY pg_temp.eventd_rejected_staging (\(CopyRowEncoder.rejectedColumnList)) FROM STDIN"

    static let insertFromStaging = """
        INSERT INTO analytics.rejected_events (\(CopyRowEncoder.rejectedColumnList))
        SELECT \(CopyRowEncoder.rejectedColumnList) FROM pg_temp.eventd_rejected_staging
        ON CONFLICT (rejection_id) DO NOTHING
        """

    /// One row PostgreSQL refused (`rejected_by_database`), with the server's message.
    static let insertDatabaseRefusal = """
        INSERT INTO analytics.rejected_events (transport, reason, detail, raw, raw_size, rejection_id)
        VALUES ($1::analytics.transport, 'rejected_by_database', $2, decode($3, 'hex'), $4::int, $5::uuid)
        ON CONFLICT (rejection_id) DO NOTHING
        """
}

/// SQLSTATE codes the loader acts on.
enum SQLState {
    static let uniqueViolation = "23505"
    /// Two transactions waited on each other; PostgreSQL aborted one. Retrying it succeeds.
    static let deadlockDetected = "40P01"
    static let serializationFailure = "40001"
}

extension PostgresError {
    /// The transaction lost a race with a concurrent one (deadlock, serialization failure) and is
    /// worth running again; never a verdict on the rows.
    var isTransientConflict: Bool {
        sqlState == SQLState.deadlockDetected || sqlState == SQLState.serializationFailure
    }
}
