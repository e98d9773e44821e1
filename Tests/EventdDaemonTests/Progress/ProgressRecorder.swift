@testable import EventdDaemon
import Foundation

/// What a `ProgressDisplay` wrote, split into lines (as in a log file: `.lines` mode).
final class ProgressRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""

    /// A display that writes here, a line for every update (no 5-second pacing in a test).
    func display() -> ProgressDisplay {
        ProgressDisplay(mode: .lines, lineInterval: .zero) { [self] piece in
            lock.lock()
            text += piece
            lock.unlock()
        }
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return text.split(separator: "\n").map(String.init)
    }
}
