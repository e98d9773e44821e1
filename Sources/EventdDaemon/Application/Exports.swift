// The config types are part of the daemon's interface (`EventdDaemon.build(config:)`, every service's settings), so
// the daemon re-exports them, as NIO re-exports NIOCore: the daemon's files, the CLI and the tests see `EventdConfig`
// through `import EventdDaemon` alone.
@_exported import EventdConfig
