// The config types are part of the daemon's interface (`EventdDaemon.build(config:)`, every service's settings), so
// the daemon re-exports them, as NIO re-exports NIOCore: the daemon's files, the CLI and the tests see `EventdConfig`
// through `import EventdDaemon` alone.
@_exported import EventdConfig
// Likewise the body decoders and the vendor body values the sources and adapters are built on (their own targets so
// that the fuzz package can depend on them).
@_exported import EventdHTTPBody
@_exported import EventdProtocols
