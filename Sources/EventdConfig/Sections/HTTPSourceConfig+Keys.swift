extension HTTPSourceConfig {
    /// The `[sources.http]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<HTTPSourceConfig>(
        keys: [
            ConfigKey("listen", \.listen, .optionalListen,
                check: .listener,
                example: .set("\"127.0.0.1:8080\""),
                comment: """
                JSON over HTTP POST. Unset means off. eventd speaks plain HTTP: put a TLS-terminating proxy in
                front and list it in trusted_proxies.
                """,
                summary: "Segment-compatible HTTP/1.1; unset is off. Plain HTTP: put a TLS-terminating proxy in front and list it in `trusted_proxies`. `--http` overrides it"),
            ConfigKey("max_body_bytes", \.maxBodyBytes, .bytes,
                check: .atLeast(1),
                comment: """
                Largest request body, after gzip is undone (HTTP 413 above). Keep it >= limits.max_batch_bytes.
                """,
                summary: "largest request body after gzip/deflate is undone (`413` above). Keep it ≥ `limits.max_batch_bytes`"),
            ConfigKey("max_header_bytes", \.maxHeaderBytes, .bytes,
                check: .atLeast(1_024),
                comment: """
                Largest request line plus headers (HTTP 431 above).
                """,
                summary: "largest request line plus headers (`431` above); at least 1024"),
            ConfigKey("idle_timeout", \.idleTimeout, .duration,
                check: .positive,
                comment: """
                Close keep-alive connections idle for this long (before its first request, a connection
                waits at most request_timeout).
                """,
                summary: "close keep-alive connections idle this long (before its first request, a connection waits at most `request_timeout`)"),
            ConfigKey("request_timeout", \.requestTimeout, .duration,
                check: .positive,
                comment: """
                Longest time to receive a whole request (HTTP 408 after it); stops slow clients holding sockets.
                """,
                summary: "longest time from a request's first byte to its last (`408` after it): slow clients, slowloris"),
            ConfigKey("max_connections", \.maxConnections, .count,
                check: .atLeast(1),
                comment: """
                Connections served at once; also bounded by the process's open-file limit.
                """,
                summary: "connections served at once; also bounded by the open-file limit"),
            ConfigKey("max_connections_per_ip", \.maxConnectionsPerIP, .count,
                check: .atLeast(0),
                comment: """
                Connections one client address may hold at once (0 = no cap); trusted_proxies are exempt.
                """,
                summary: "connections one client address may hold at once (0 = no cap), so one client cannot take every slot; `trusted_proxies` are exempt"),
            ConfigKey("trusted_proxies", \.trustedProxies, .stringList,
                check: .each(.ipNetwork),
                example: .commented("[\"127.0.0.1/32\", \"::1/128\"]"),
                comment: """
                Peers (CIDRs or single addresses) whose X-Forwarded-For is believed. Without this, behind a
                proxy all clients share the proxy's IP and its per-IP rate limit.
                """,
                summary: "peers (addresses or CIDRs) whose `Forwarded`/`X-Forwarded-For` is believed; without it all clients behind a proxy share its address and per-IP limit"),
            ConfigKey("path_prefixes", \.pathPrefixes, .stringList,
                check: .each(.urlPath),
                comment: """
                First-party paths: every protocol (segment, posthog, mixpanel, snowplow, plausible, umami) is also
                served under <prefix>/<protocol>/..., e.g. /collect/posthog/batch/, out of ad blockers' lists.
                """,
                summary: "first-party paths: every protocol is also served under `<prefix>/<protocol>/…` (e.g. `/collect/posthog/batch/`), out of ad blockers' lists; see [protocols](protocols/)"),
            ConfigKey("sdk_path", \.sdkPath, .string,
                check: .sdkPath,
                comment: """
                The first-party web SDK, for <script defer src="https://collect.example.com/sdk.js" data-key="pk_...">
                (also served under every path prefix). "" turns it off. docs/web-sdk.md.
                """,
                summary: "where the first-party web SDK is served (also under every path prefix); `\"\"` turns it off; see [web-sdk.md](web-sdk.md)"),
            ConfigKey("require_write_key", \.requireWriteKey, .bool,
                comment: """
                Refuse requests without a known write key (HTTP 401). Turn off only on a private network.
                """,
                summary: "refuse requests without a known write key (`401`); turn off only on a private network (`eventd-dev run` does)"),
            ConfigKey("drop_bots", \.dropBots, .bool,
                comment: """
                Discard events whose User-Agent marks a well-known bot or crawler instead of storing them.
                """,
                summary: "answer requests from known bots as accepted but store nothing (public and keyless requests only)"),
            ConfigKey("reuse_port", \.reusePort, .bool,
                comment: """
                SO_REUSEPORT, as for TCP: several eventd processes on this host share the port.
                """,
                summary: "`SO_REUSEPORT`, as for TCP"),
            ConfigKey("write_keys", \.writeKeys, .writeKeys,
                check: .writeKeys,
                example: .block("""
                [[sources.http.write_keys]]
                name = "website"
                key = "pk_replace_with_a_long_random_string"
                kind = "public"
                allowed_origins = ["https://www.example.com"]

                [[sources.http.write_keys]]
                name = "backend"
                key = "sk_replace_with_a_long_random_string"
                kind = "secret"
                allowed_origins = []
                """),
                comment: """
                Write keys that senders present; add one [[sources.http.write_keys]] table per key.
                name: label for logs and metrics; key: the value senders send (at least 16 characters, unique);
                kind: "public" (embedded in web pages; limited by origin and rate) or "secret" (servers only);
                allowed_origins: for public keys, the browser origins allowed to use it ([] = any origin).
                """,
                summary: "one `[[sources.http.write_keys]]` table per key: `name` (for logs, metrics and `source_key`), `key` (at least 16 characters, no spaces, unique), `kind` (`\"public\"` or `\"secret\"`), `allowed_origins` (public keys only; `[]` = any origin). In the environment, a TOML array of inline tables"),
        ])
}

extension ConfigCheck where Value == String {
    /// An IP address or CIDR, for `trusted_proxies`.
    fileprivate static let ipNetwork = ConfigCheck.require({ IPNetwork($0) != nil }) {
        "'\($0)' is not an IP address or CIDR such as \"10.0.0.0/8\" or \"::1/128\""
    }

    /// A path such as `/collect`, for `path_prefixes`.
    fileprivate static let urlPath = ConfigCheck.require(isURLPath) { "'\($0)' is not a path such as \"/collect\"" }

    /// A path such as `/sdk.js`, or empty for none.
    fileprivate static let sdkPath = ConfigCheck.require({ $0.isEmpty || isURLPath($0) }) {
        "'\($0)' is not a path such as \"/sdk.js\" (or \"\" for none)"
    }

    private static func isURLPath(_ text: String) -> Bool {
        text.hasPrefix("/") && text.count > 1 && !text.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace })
    }
}

extension ConfigCheck where Value == [WriteKey] {
    /// Named, unique, long enough; origins only on public keys, each `scheme://host[:port]`.
    fileprivate static let writeKeys = ConfigCheck { writeKeys in
        var names = Set<String>(), secrets = Set<String>()
        for (index, writeKey) in writeKeys.enumerated() {
            func refuse(_ field: String, _ reason: String) -> Failure { Failure(subkey: "[\(index)].\(field)", reason: reason) }
            if writeKey.name.isEmpty { return refuse("name", "the name is empty") }
            if !names.insert(writeKey.name).inserted {
                return refuse("name", "the name '\(writeKey.name)' is used by another write key")
            }
            if writeKey.key.count < 16 || writeKey.key.contains(where: \.isWhitespace) {
                return refuse("key", "write key '\(writeKey.name)' must be at least 16 characters without spaces")
            }
            if !secrets.insert(writeKey.key).inserted {
                return refuse("key", "write key '\(writeKey.name)' has the same key as another write key")
            }
            if writeKey.kind != .public && !writeKey.allowedOrigins.isEmpty {
                return refuse("allowed_origins", "allowed_origins applies only to public keys; '\(writeKey.name)' is secret")
            }
            for origin in writeKey.allowedOrigins where !isOrigin(origin) {
                return refuse("allowed_origins", "'\(origin)' is not an origin; write scheme://host[:port] without a path, "
                                + "e.g. \"https://example.com\"")
            }
        }
        return nil
    }

    private static func isOrigin(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let host = text.dropFirst(scheme.count)
            return !host.isEmpty && !host.contains("/") && !host.contains(where: \.isWhitespace)
        }
        return false
    }
}
