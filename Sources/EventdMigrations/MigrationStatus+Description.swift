import Foundation

extension MigrationStatus: CustomStringConvertible {
    /// One line for `eventd migrate --status`: `003  performance_indexes  applied  2026-11-25T12:00:00Z`.
    public var description: String {
        let version = String(repeating: "0", count: max(0, 3 - String(self.version).count)) + String(self.version)
        let when = appliedAt.map { $0.formatted(.iso8601) } ?? ""
        let padded = name.padding(toLength: max(name.count, 28), withPad: " ", startingAt: 0)
        let note = state == .changed ? "  (file differs from the applied version: restore it)" : ""
        return "\(version)  \(padded)  \(state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))\(when)\(note)"
    }
}
