/// Every metric eventd exports, named in one place (Prometheus conventions: `eventd_` prefix,
/// `_total` on counters, base units in the name).
enum MetricName {
    static let eventsReceived = "eventd_events_received_total"
    /// The TCP and UDP share of `eventsReceived` (the console's events/s by transport); HTTP is the rest.
    static let eventsReceivedByTransport = "eventd_events_received_by_transport_total"   // label: transport
    /// Events accepted and refused by eventd, by the protocol they came in: the console's events/s by protocol.
    static let eventsByProtocol = "eventd_events_by_protocol_total"   // labels: transport, protocol, outcome (accepted, refused)
    static let eventsAccepted = "eventd_events_accepted_total"
    static let eventsRejected = "eventd_events_rejected_total"          // label: reason
    static let eventsDropped = "eventd_events_dropped_total"            // label: cause
    // Datagrams, not events: the kernel dropped them (receive buffer full) before eventd read them,
    // so nobody knows how many events they held. From the socket's own counter in /proc/net/udp.
    static let udpKernelDroppedDatagrams = "eventd_udp_kernel_dropped_datagrams_total"
    static let eventsSanitized = "eventd_events_sanitized_total"
    static let rowsCommitted = "eventd_rows_committed_total"
    static let rowsDuplicate = "eventd_rows_duplicate_total"
    static let rowsRefusedByDatabase = "eventd_rows_refused_by_database_total"
    static let ringDepth = "eventd_ring_depth_batches"
    static let ringBytes = "eventd_ring_bytes"
    /// Emptied batches kept for reuse (`BatchPool`, both lists), and the batches it had to allocate
    /// because none was free: a steady rise of the second under load is buffers mapped afresh.
    static let batchPoolBytes = "eventd_batch_pool_bytes"
    static let batchPoolAllocations = "eventd_batch_pool_allocations_total"
    static let batchRows = "eventd_copy_batch_rows"
    static let copySeconds = "eventd_copy_duration_seconds"
    // Adaptive COPY streams (`StreamScaler`): stream 0 is the loader thread's, 1… its lanes.
    static let copyStreamsActive = "eventd_copy_streams_active"             // streams in use now
    static let copyStreamBusyRatio = "eventd_copy_stream_busy_ratio"        // label: stream; last window
    static let copyStreamRowsPerSecond = "eventd_copy_stream_rows_per_second" // label: stream; last window
    static let copyWaitingRatio = "eventd_copy_waiting_ratio"               // last window: share rows waited for a stream
    static let postgresConnected = "eventd_postgres_connected"
    static let postgresReconnects = "eventd_postgres_reconnects_total"
    /// 1 for the `host`/`port` the loader commits to, 0 for one it used before (after a failover).
    static let postgresServer = "eventd_postgres_server"
    /// 1, labelled with the version (`eventd status` shows it).
    static let buildInfo = "eventd_build_info"                            // label: version
    /// When this eventd started, in Unix seconds (`eventd status` shows the uptime).
    static let startTime = "eventd_start_time_seconds"
    static let connectionsOpen = "eventd_connections_open"              // label: transport
    static let rollupRuns = "eventd_rollup_runs_total"
    static let httpResponses = "eventd_http_responses_total"            // label: status
    static let httpConnectionsRefused = "eventd_http_connections_refused_total"
    static let rollupSkipped = "eventd_rollup_skipped_total"             // another instance held the lock
    static let rollupRowsChanged = "eventd_rollup_rows_changed_total"
    static let jobRuns = "eventd_job_runs_total"                          // label: job (rollup, maintenance.*)
    static let jobFailures = "eventd_job_failures_total"                  // label: job
    static let jobSeconds = "eventd_job_duration_seconds"                 // label: job
    // The disk spool (`[spool]`): depth is what is not yet replayed into PostgreSQL.
    static let spoolBytes = "eventd_spool_bytes"                           // record bytes awaiting replay
    static let spoolRecords = "eventd_spool_records"                       // records (batches) awaiting replay
    static let spoolOldestAge = "eventd_spool_oldest_record_age_seconds"   // 0 when empty
    static let spoolDiskBytes = "eventd_spool_disk_bytes"                  // segment files on disk (vs max_bytes)
    static let spoolEventsSpooled = "eventd_spool_events_written_total"    // events confirmed from the spool
    static let spoolEventsReplayed = "eventd_spool_events_replayed_total"
    static let spoolFull = "eventd_spool_full_total"                       // appends refused: max_bytes or ENOSPC
    static let spoolQuarantined = "eventd_spool_quarantined_total"         // torn/corrupt spans moved aside
    static let spoolQuarantinedBytes = "eventd_spool_quarantined_bytes_total"
}

/// Log metadata keys, named in one place.
enum LogKey {
    static let error = "error"
    static let rows = "rows"
    static let transport = "transport"
    static let address = "address"
    static let peer = "peer"
    static let reason = "reason"
    static let count = "count"
    static let delay = "delay"
    static let during = "during"
    static let key = "key"
    static let socket = "socket"
    static let applied = "applied"
    static let restartNeeded = "restart_needed"
    static let segment = "segment"
    static let offset = "offset"
    static let bytes = "bytes"
    static let path = "path"
}
