import Foundation
import Testing

/// A value shared between test threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

extension Tag {
    /// Tests that run the real SQL files from Sources/EventdMigrations/SQL.
    @Tag static var bundledSQL: Self
}
