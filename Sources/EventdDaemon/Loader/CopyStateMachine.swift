/// The decisions of one `CopyLoader.load`: fast COPY → staging → bisection → dead letter, as a pure
/// value that is fed what PostgreSQL answered and returns what to do next. `CopyLoader` carries the
/// actions out against libpq; the paths between them are table-tested without a server
/// (`CopyStateMachineTests`), as postgres-nio tests its `ConnectionStateMachine`.
///
/// Generic over the rows it splits (`Part`): the loader uses `RowSelection`, tests a plain range.
///
/// - The fast path is one transaction: the whole cut and its refusals, then COMMIT.
/// - A duplicate (23505), a lost race with a concurrent COPY (40P01/40001) or a refused row moves the
///   cut to the slow path: the refusals in a transaction of their own (our own encoding, never poison),
///   then the rows through the staging table with `ON CONFLICT DO NOTHING`.
/// - On the slow path a refused part is halved until the refused rows stand alone; each goes to the
///   dead-letter table. A lost race runs the same part again, at most `conflictRetries` times.
/// - A lost connection ends the load: nothing is known to be committed (the COMMIT's reply may be what
///   was lost), and the caller retries the whole cut on a new connection, where the rows that did
///   commit come back as duplicates and take the staging path.
struct CopyStateMachine<Part: CopyPart> {
    /// What PostgreSQL's answer to a statement means for the cut. The shell rolls the transaction back
    /// before it reports anything but `.connectionLost` (a failed rollback is a lost connection).
    enum Failure: Equatable, Sendable {
        case connectionLost
        case duplicate
        case lostRace
        case refused
    }

    enum Action {
        /// COPY every row of the cut and its refusals in one transaction, then COMMIT.
        case copyFast(Part)
        /// Write the cut's refusals in a transaction of their own (the slow path's first step).
        case writeRejections
        /// COPY `Part` into the staging table and `INSERT … ON CONFLICT DO NOTHING`, in one transaction.
        case copyViaStaging(Part)
        /// `Part` is one row the server refuses: record it in the dead-letter table.
        case deadLetter(Part)
        /// Every row is accounted for.
        case finish(inserted: Int, duplicates: Int)
        /// Give the cut back to the caller with the last error; `disconnect` first when the connection
        /// is gone (the caller reconnects and retries the same cut).
        case fail(disconnect: Bool)
    }

    private enum State {
        case initial
        case fast
        case rejections
        case slow(current: Part)
        case deadLettering
        case done
    }

    let all: Part
    let hasRejections: Bool
    let conflictRetries: Int
    private var state = State.initial
    /// Parts still to load on the slow path, the next one last.
    private var pending: [Part] = []
    private var conflicts = 0
    private(set) var inserted = 0
    private(set) var duplicates = 0
    /// The failure that moved the cut off the fast path (the shell logs why).
    private(set) var leftFastPathBecause: Failure?

    init(all: Part, hasRejections: Bool, conflictRetries: Int) {
        self.all = all
        self.hasRejections = hasRejections
        self.conflictRetries = conflictRetries
    }

    mutating func start() -> Action {
        precondition(isInitial, "a load starts once")
        state = .fast
        return .copyFast(all)
    }

    /// The last COPY transaction committed; `landed` rows went into analytics.events.
    mutating func copyCommitted(landed: Int) -> Action {
        switch state {
        case .fast:
            state = .done
            return .finish(inserted: landed, duplicates: 0)
        case .slow(let part):
            inserted += landed
            duplicates += part.rowCount - landed
            return next()
        default:
            preconditionFailure("no COPY in flight")
        }
    }

    /// The last statement failed with `failure` (and, unless the connection is lost, was rolled back).
    mutating func copyFailed(_ failure: Failure) -> Action {
        if failure == .connectionLost {
            state = .done
            return .fail(disconnect: true)
        }
        switch state {
        case .fast:
            leftFastPathBecause = failure
            pending = [all]
            if hasRejections {
                state = .rejections
                return .writeRejections
            }
            return next()
        case .slow(let part):
            if failure == .lostRace {
                // The concurrent transaction goes on once ours is rolled back; past a few rounds the
                // caller retries the whole cut after a backoff.
                conflicts += 1
                guard conflicts <= conflictRetries else {
                    state = .done
                    return .fail(disconnect: false)
                }
                return .copyViaStaging(part)
            }
            if part.rowCount <= 1 {
                state = .deadLettering
                return .deadLetter(part)
            }
            let (left, right) = part.halves()
            pending.append(right)
            pending.append(left)
            return next()
        default:
            preconditionFailure("no COPY in flight")
        }
    }

    /// The slow path's refusals transaction committed.
    mutating func rejectionsWritten() -> Action {
        guard case .rejections = state else { preconditionFailure("no refusals being written") }
        return next()
    }

    /// The refused row is in the dead-letter table.
    mutating func deadLettered() -> Action {
        guard case .deadLettering = state else { preconditionFailure("no row being dead-lettered") }
        return next()
    }

    private var isInitial: Bool {
        if case .initial = state { return true }
        return false
    }

    private mutating func next() -> Action {
        guard let part = pending.popLast() else {
            state = .done
            return .finish(inserted: inserted, duplicates: duplicates)
        }
        state = .slow(current: part)
        return .copyViaStaging(part)
    }
}

/// Rows the copy state machine can count and split in halves.
protocol CopyPart {
    var rowCount: Int { get }
    func halves() -> (Self, Self)
}

extension RowSelection: CopyPart {}

extension CopyStateMachine.Action: Equatable where Part: Equatable {}
