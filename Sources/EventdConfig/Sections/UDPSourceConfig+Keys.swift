extension UDPSourceConfig {
    /// The `[sources.udp]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<UDPSourceConfig>(
        keys: [
            ConfigKey("listen", \.listen, .optionalListen,
                check: .listener,
                example: .set("\"127.0.0.1:5171\""),
                comment: """
                JSON datagrams, one event or a newline-delimited batch each. Unset means off. UDP has no
                back-pressure: datagrams that arrive while eventd is saturated are dropped and counted.
                On SIGTERM the socket stays open (at most 1 s) until the datagrams already queued are read.
                """,
                summary: "JSON datagrams; unset is off. `--udp` overrides it"),
            ConfigKey("max_datagram_bytes", \.maxDatagramBytes, .bytes,
                check: .within(1...65_507),
                comment: """
                Largest datagram accepted (65507 is the IPv4 maximum).
                """,
                summary: "largest datagram accepted, 1 to 65507 (the IPv4 maximum)"),
            ConfigKey("receive_buffer_bytes", \.receiveBufferBytes, .bytes,
                check: .atLeast(1),
                comment: """
                Kernel receive buffer (SO_RCVBUF) to absorb bursts; capped by sysctl net.core.rmem_max. Datagrams
                that arrive while it is full are dropped by the kernel, counted in eventd_udp_kernel_dropped_datagrams_total.
                """,
                summary: "kernel receive buffer (`SO_RCVBUF`) for bursts, capped by `net.core.rmem_max`; overflow is counted in `eventd_udp_kernel_dropped_datagrams_total`"),
            ConfigKey("reuse_port", \.reusePort, .bool,
                comment: """
                SO_REUSEPORT, as for TCP: the kernel spreads datagrams by sender address.
                """,
                summary: "`SO_REUSEPORT`, as for TCP: the kernel spreads datagrams by sender address"),
        ])
}
