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

enum RejectedEventColumns {
    static let copyStatement = "COPY analytics.rejected_events (\(CopyRowEncoder.rejectedColumnList)) FROM STDIN"
}

/// SQLSTATE codes the loader acts on.
enum SQLState {
    static let uniqueViolation = "23505"
}
