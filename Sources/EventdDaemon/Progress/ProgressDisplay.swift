import Foundation

/// How a long-running command shows how far it has come (`eventd import`, `spool --replay`,
/// `migrate`, `rollup --once`): on a terminal one line redrawn in place (at most 4 times a second);
/// elsewhere (a log file, CI, a pipe) a plain line every `lineInterval`, so logs stay readable.
/// Lines given to `note` (a finished step) always print, on their own line, unless quiet.
///
/// A single long statement (one migration, one rollup run) reports nothing by itself while it
/// runs: `startTicking` redraws its label with the elapsed time from a thread of its own until
/// `stopTicking`.
public final class ProgressDisplay: @unchecked Sendable {
    public enum Mode: Sendable { case terminal, lines, quiet }

    private let mode: Mode
    private let lineInterval: Duration
    private let write: @Sendable (String) -> Void
    private let clock = ContinuousClock()
    private let lock = NSLock()
    private var lastDrawn: ContinuousClock.Instant?
    private var drewInPlace = false
    private var ticker: ProgressTicker?

    /// `write` receives whole output pieces (with their `\r` or `\n`); standard error by default.
    public init(mode: Mode, lineInterval: Duration = .seconds(5),
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.mode = mode
        self.lineInterval = lineInterval
        self.write = write
    }

    /// Standard error: in place on a terminal, else periodic lines; nothing when `quiet`.
    public convenience init(quiet: Bool) {
        self.init(mode: quiet ? .quiet : isatty(STDERR_FILENO) == 1 ? .terminal : .lines)
    }

    /// A new state of the work; drawn only if the last one was drawn long enough ago.
    public func update(_ line: @autoclosure () -> String) {
        lock.lock()
        defer { lock.unlock() }
        draw(line(), force: false)
    }

    /// A line that stays (a step done, a notice from the server, the summary).
    public func note(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        guard mode != .quiet else { return }
        if drewInPlace { write("\r\u{1B}[K"); drewInPlace = false }
        write(line + "\n")
    }

    /// Shows `label · <elapsed>` until `stopTicking()`, at the display's pace (the first at once).
    public func startTicking(_ label: String) {
        stopTicking()
        guard mode != .quiet else { return }
        let started = clock.now
        let clock = clock
        let ticker = ProgressTicker(every: mode == .terminal ? .milliseconds(250) : lineInterval) { [weak self] in
            guard let self else { return }
            self.lock.lock()
            defer { self.lock.unlock() }
            self.draw("\(label) · \(StatusReport.duration((clock.now - started).seconds))", force: true)
        }
        lock.lock()
        self.ticker = ticker
        lock.unlock()
        ticker.start()
    }

    public func stopTicking() {
        lock.lock()
        let ticker = self.ticker
        self.ticker = nil
        lock.unlock()
        ticker?.stop()
    }

    /// Ends the in-place line so what follows starts on a fresh one.
    public func finish() {
        stopTicking()
        lock.lock()
        defer { lock.unlock() }
        if drewInPlace { write("\n"); drewInPlace = false }
    }

    private func draw(_ line: String, force: Bool) {
        guard mode != .quiet else { return }
        let now = clock.now
        if !force, let lastDrawn, now - lastDrawn < (mode == .terminal ? .milliseconds(250) : lineInterval) { return }
        lastDrawn = now
        if mode == .terminal {
            write("\r\u{1B}[K" + line)
            drewInPlace = true
        } else {
            write(line + "\n")
        }
    }
}
