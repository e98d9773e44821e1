extension ConsoleConfig {
    /// The `[console]` keys, declared once: the schema, validation, `Config/eventd.toml` and the reference in
    /// docs/configuration.md come from here (see docs/configuration.md, "Adding a key").
    static let configSection = ConfigSection<ConsoleConfig>(
        comment: """
            The read-only web console at http://<admin.listen>/console (docs/console.md). It shows stored
            data, refused bytes included, so it is off until a credential below is set: a bearer token,
            a Basic user and password, or both. Keep secrets out of this file: EVENTD_CONSOLE_TOKEN,
            EVENTD_CONSOLE_PASSWORD. Never a write key (refused).
            """,
        keys: [
            ConfigKey("token", \.token, .optionalString,
                check: .ifSet(.consoleToken),
                example: .commented("\"change-me-to-a-long-random-token\""),
                comment: """
                Bearer token, at least 24 characters.
                """,
                summary: "bearer token for the [web console](console.md) at `/console` (at least 24 characters, never a write key); the console is off until this or `user`+`password` is set"),
            ConfigKey("user", \.user, .optionalString,
                check: .ifSet(.consoleUser),
                example: .commented("\"operator\""),
                comment: """
                Basic user and password (at least 12 characters), for browsers; set both or neither.
                """,
                summary: "Basic-auth user for the console, for browsers; set with `password`"),
            ConfigKey("password", \.password, .optionalString,
                check: .ifSet(.consolePassword),
                example: .commented("\"change-me-please\""),
                comment: "",
                summary: "Basic-auth password, at least 12 characters, never a write key; keep it in the environment, not the file"),
            ConfigKey("statement_timeout", \.statementTimeout, .duration,
                check: .positive,
                comment: """
                Longest time one console query may run before PostgreSQL cancels it.
                """,
                summary: "longest a console query may run; PostgreSQL cancels it and the page says so"),
        ],
        relations: { config throws(ConfigError) in
            let console = config.console
            try configRequire((console.user == nil) == (console.password == nil),
                              console.user == nil ? "console.user" : "console.password",
                              "console.user and console.password go together: set both, or neither")
            // A write key sits in every web page that sends events: it must never open the console.
            let writeKeys = Set(config.sources.http.writeKeys.map(\.key))
            for (key, secret) in [("console.token", console.token), ("console.password", console.password)] {
                if let secret {
                    try configRequire(!writeKeys.contains(secret), key, "it is also a write key; give the console its own secret")
                }
            }
        })
}

extension ConfigCheck where Value == String {
    fileprivate static let consoleToken = ConfigCheck.require({ $0.count >= 24 && !$0.contains(where: \.isWhitespace) }) { _ in
        "the token must be at least 24 characters without spaces"
    }

    fileprivate static let consoleUser = ConfigCheck.require({ !$0.isEmpty && !$0.contains(":") && !$0.contains(where: \.isWhitespace) }) {
        "'\($0)' is not a user name (no spaces, no ':')"
    }

    fileprivate static let consolePassword = ConfigCheck.require({ $0.count >= 12 }) { _ in
        "the password must be at least 12 characters"
    }
}
