extension TCPSourceConfig {
    /// The `[sources.tcp]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<TCPSourceConfig>(
        keys: [
            ConfigKey("listen", \.listen, .optionalListen,
                check: .listener,
                example: .set("\"127.0.0.1:5170\""),
                comment: """
                Newline-delimited JSON over TCP, one event per line. Unset (the built-in default) means off.
                Bind to loopback unless senders on other hosts need it; IPv6 is written "[::1]:5170",
                all interfaces ":5170".
                """,
                summary: "NDJSON over TCP; unset (or `\"\"`, `\"off\"`) is off. IPv6 `\"[::1]:5170\"`, all interfaces `\":5170\"`. `--tcp` overrides it"),
            ConfigKey("max_connections", \.maxConnections, .count,
                check: .atLeast(1),
                comment: """
                Connections served at once; more are closed right after accept.
                """,
                summary: "connections served at once (at least 1); more are closed right after accept"),
            ConfigKey("max_line_bytes", \.maxLineBytes, .bytes,
                check: .atLeast(1),
                comment: """
                Longest line accepted; a longer line closes the connection. Bounds memory per connection.
                """,
                summary: "longest line; a longer one closes the connection. Bounds memory per connection"),
            ConfigKey("idle_timeout", \.idleTimeout, .duration,
                check: .positive,
                comment: """
                Close connections silent for this long, freeing slots held by dead senders.
                """,
                summary: "close connections silent this long, freeing slots held by dead senders"),
            ConfigKey("reuse_port", \.reusePort, .bool,
                comment: """
                SO_REUSEPORT: several eventd processes on this host share the port and the kernel spreads
                connections across them. Every process on the port must set it. Off, a second eventd on the
                same port fails with "address in use". Not used when systemd passes the socket (eventd.socket).
                """,
                summary: "`SO_REUSEPORT`: several eventd on this host share the port (every one must set it). Unused with a socket from systemd"),
        ])
}
