/// `[shutdown]`: what eventd does on SIGTERM/SIGINT.
///
/// Each property is the key named in its comment (its default is the initial value); what the key means, its
/// checks and whether a reload applies it are declared once, in `ShutdownConfig+Keys.swift`.
public struct ShutdownConfig: Sendable, Equatable {
    /// `drain_timeout`
    public var drainTimeout: Duration = .seconds(30)

    /// The defaults above.
    public init() {}
}
