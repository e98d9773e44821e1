import NIOConcurrencyHelpers

/// A setting that a config reload (SIGHUP) may replace while eventd runs, shared between the reloader
/// that writes it and the code that reads it.
///
/// Reads take an uncontended lock (tens of nanoseconds): readers fetch once per request, datagram or
/// COPY batch, never per event, and a reload writes once in a long while.
public final class LiveValue<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>

    public init(_ value: Value) {
        box = NIOLockedValueBox(value)
    }

    /// The current value.
    public var value: Value { box.withLockedValue { $0 } }

    /// Replaces the value; readers see it from their next read.
    public func set(_ value: Value) {
        box.withLockedValue { $0 = value }
    }
}
