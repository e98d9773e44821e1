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

    static let insertFromStaging = """
        INSERT INTO analytics.events (\(CopyRowEncoder.eventsColumnList))
        SELECT \(CopyRowEncoder.eventsColumnList) FROM pg_temp.eventd_staging
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
