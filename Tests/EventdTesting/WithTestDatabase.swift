/// Runs `body` with a fresh database (see `TestDatabase.create`) and drops it when `body` returns or throws.
@discardableResult
func withTestDatabase<T>(
    prefix: String = "eventd_test",
    migrated: Bool = true,
    _ body: (TestDatabase) throws -> T
) throws -> T {
    let database = try TestDatabase.create(prefix: prefix, migrated: migrated)
    defer { database.drop() }
    return try body(database)
}

/// Runs `body` with a fresh database (see `TestDatabase.create`) and drops it when `body` returns or throws,
/// after whatever `body` started on it (e.g. a `withDaemon`) has stopped.
@discardableResult
func withTestDatabase<T>(
    prefix: String = "eventd_test",
    migrated: Bool = true,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (TestDatabase) async throws -> T
) async throws -> T {
    let database = try TestDatabase.create(prefix: prefix, migrated: migrated)
    defer { database.drop() }
    return try await body(database)
}
