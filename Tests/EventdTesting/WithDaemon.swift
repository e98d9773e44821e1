/// A daemon a test starts and must stop: `RunningDaemon`, `HTTPTestDaemon`.
protocol StoppableTestDaemon: Sendable {
    /// Graceful shutdown; calling it again once stopped does nothing more.
    func stop() async throws
}

extension RunningDaemon: StoppableTestDaemon {}
extension HTTPTestDaemon: StoppableTestDaemon {}

/// Starts a daemon with `start` (e.g. `RunningDaemon.start(database: database)`), runs `body` with it and
/// stops it when `body` returns or throws: `try await withDaemon(await RunningDaemon.start(database: db)) { daemon in … }`.
///
/// A test may still call `stop()` itself, to assert what it finds after a shutdown; the stop here is then a no-op.
/// When `body` throws, its error is the one reported, not a failure of the stop that follows it.
@discardableResult
func withDaemon<Daemon: StoppableTestDaemon, T>(
    _ start: @autoclosure () async throws -> Daemon,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Daemon) async throws -> T
) async throws -> T {
    let daemon = try await start()
    let result: T
    do {
        result = try await body(daemon)
    } catch {
        try? await daemon.stop()
        throw error
    }
    try await daemon.stop()
    return result
}
