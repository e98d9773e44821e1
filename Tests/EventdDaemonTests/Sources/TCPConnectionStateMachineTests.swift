@testable import EventdDaemon
import Testing

/// The TCP connection's decisions as a table: events in, actions out, no sockets. The ring is a
/// fake that takes a given number of batches; batches are names, ack lines the bytes of "ack N".
/// Each action is taken into a `let` first: `#expect` cannot call a mutating method.
@Suite struct TCPConnectionStateMachineTests {
    typealias Machine = TCPConnectionStateMachine<String>

    /// Takes `room` batches, then answers full; after `close()`, closed.
    final class FakeRing {
        var room = Int.max
        var closed = false
        private(set) var taken: [String] = []

        func offer(_ batch: String) -> RingHandoff.Result {
            if closed { return .closed }
            guard room > 0 else { return .full }
            room -= 1
            taken.append(batch)
            return .taken
        }
    }

    static func ack(_ n: Int) -> [UInt8] { Array("ack \(n)".utf8) }

    /// A machine in ack mode with `lines` lines cut (batches "1", "2", …) and offered.
    static func ackModeConnection(lines: Int, ring: FakeRing) -> Machine {
        var machine = Machine()
        _ = machine.lineFramed(isAckHandshake: true)
        for n in 1...lines {
            let r1 = machine.lineFramed(isAckHandshake: false)
            #expect(r1 == .ingest(cut: true))
            let r2 = machine.lineCut("\(n)")
            #expect(r2 == n)
        }
        _ = machine.readComplete(offer: ring.offer)
        return machine
    }

    @Test func readsOnOnceTheRingHasTakenEveryBatchOfARead() {
        let ring = FakeRing()
        var machine = Machine()
        #expect(machine.connected() == .read)
        let r3 = machine.lineFramed(isAckHandshake: false)
        #expect(r3 == .ingest(cut: false))
        let r4 = machine.lineFramed(isAckHandshake: true)
        #expect(r4 == .ingest(cut: false), "only the first line is a handshake")
        machine.batchCut("a")
        let r5 = machine.readComplete(offer: ring.offer)
        #expect(r5 == .read)
        #expect(ring.taken == ["a"])
        #expect(!machine.ackMode)
    }

    @Test func theHandshakeSwitchesEveryLaterLineToItsOwnBatch() {
        var machine = Machine()
        #expect(machine.oversizeLineFramed() == .ingest(cut: false), "an oversize first line is no handshake")
        let r6 = machine.lineFramed(isAckHandshake: true)
        #expect(r6 == .enterAckMode)
        let r7 = machine.lineFramed(isAckHandshake: true)
        #expect(r7 == .ingest(cut: true))
        #expect(machine.oversizeLineFramed() == .ingest(cut: true), "an oversize line is answered too")
    }

    @Test func acksGoOutInLineOrderWhenBatchesCompleteOutOfOrder() {
        let ring = FakeRing()
        var machine = Self.ackModeConnection(lines: 3, ring: ring)
        #expect(ring.taken == ["1", "2", "3"])
        let r8 = machine.ackReady(3, line: Self.ack(3))
        #expect(r8 == .none)
        let r9 = machine.ackReady(1, line: Self.ack(1))
        #expect(r9 == .writeAcks([Self.ack(1)], thenCloseOutput: false))
        #expect(machine.acksOutstanding == 2)
        let r10 = machine.ackReady(2, line: Self.ack(2))
        #expect(r10 == .writeAcks([Self.ack(2), Self.ack(3)], thenCloseOutput: false))
        #expect(machine.acksOutstanding == 0)
    }

    @Test func aFullRingPausesReadingUntilItHasTakenEveryBatchInOrder() {
        let ring = FakeRing()
        ring.room = 1
        var machine = Machine()
        machine.batchCut("a")
        machine.batchCut("b")
        let r11 = machine.readComplete(offer: ring.offer)
        #expect(r11 == .waitForSpace, "no read: the sender is backpressured")
        #expect(machine.batchesWaiting == 1)
        let r12 = machine.spaceAvailable(offer: ring.offer)
        #expect(r12 == .waitForSpace, "still full: wait again")
        ring.room = 4
        let r13 = machine.spaceAvailable(offer: ring.offer)
        #expect(r13 == .read)
        #expect(ring.taken == ["a", "b"])
        #expect(machine.batchesWaiting == 0)
    }

    @Test func aSecondFullRingWhileWaitingAsksForSpaceOnlyOnce() {
        let ring = FakeRing()
        ring.room = 0
        var machine = Machine()
        machine.batchCut("a")
        let r14 = machine.readComplete(offer: ring.offer)
        #expect(r14 == .waitForSpace)
        machine.batchCut("b")
        let r15 = machine.flush(offer: ring.offer)
        #expect(r15 == .none)
    }

    @Test func endOfStreamWithBatchesInFlightClosesOnlyAfterEveryAck() {
        let ring = FakeRing()
        var machine = Self.ackModeConnection(lines: 2, ring: ring)
        let r16 = machine.inputClosed()
        #expect(r16, "the sender's unterminated last line counts")
        let r17 = machine.lineFramed(isAckHandshake: false)
        #expect(r17 == .ingest(cut: true))
        let r18 = machine.lineCut("3")
        #expect(r18 == 3)
        let r19 = machine.flush(offer: ring.offer)
        #expect(r19 == .none, "three acks owed: the connection stays open")
        #expect(machine.phase == .draining)
        let r20 = machine.ackReady(2, line: Self.ack(2))
        #expect(r20 == .none)
        let r21 = machine.ackReady(3, line: Self.ack(3))
        #expect(r21 == .none)
        let r22 = machine.ackReady(1, line: Self.ack(1))
        #expect(r22
            == .writeAcks([Self.ack(1), Self.ack(2), Self.ack(3)], thenCloseOutput: true))
        #expect(machine.phase == .outputClosed)
        #expect(ring.taken == ["1", "2", "3"])
    }

    @Test func endOfStreamWhileTheRingIsFullHandsEveryBatchOverBeforeClosing() {
        let ring = FakeRing()
        ring.room = 0
        var machine = Self.ackModeConnection(lines: 1, ring: ring)
        _ = machine.inputClosed()
        let r23 = machine.lineCut("2")
        #expect(r23 == 2)
        let r24 = machine.flush(offer: ring.offer)
        #expect(r24 == .none, "already waiting for space")
        ring.room = 1
        let r25 = machine.spaceAvailable(offer: ring.offer)
        #expect(r25 == .waitForSpace)
        let r26 = machine.ackReady(1, line: Self.ack(1))
        #expect(r26 == .writeAcks([Self.ack(1)], thenCloseOutput: false),
                "batch 2 is not in the ring yet")
        ring.room = 1
        let r27 = machine.spaceAvailable(offer: ring.offer)
        #expect(r27 == .none, "in the ring, but its ack is owed")
        let r28 = machine.ackReady(2, line: Self.ack(2))
        #expect(r28 == .writeAcks([Self.ack(2)], thenCloseOutput: true))
        #expect(ring.taken == ["1", "2"])
    }

    @Test func withoutAcksAnEndedStreamClosesOnceItsBatchesAreInTheRing() {
        let ring = FakeRing()
        var machine = Machine()
        _ = machine.readComplete(offer: ring.offer)
        let r29 = machine.inputClosed()
        #expect(r29)
        machine.batchCut("last")
        let r30 = machine.flush(offer: ring.offer)
        #expect(r30 == .closeOutput)
        #expect(ring.taken == ["last"])
        let r31 = machine.flush(offer: ring.offer)
        #expect(r31 == .none, "the output closes once")
    }

    @Test func shutdownMidBatchHandsOverWhatIsReadStopsReadingAndAnswersItBeforeClosing() {
        let ring = FakeRing()
        var machine = Self.ackModeConnection(lines: 1, ring: ring)
        let r32 = machine.lineFramed(isAckHandshake: false)
        #expect(r32 == .ingest(cut: true))
        let r33 = machine.lineCut("2")
        #expect(r33 == 2)
        machine.drainRequested()
        let r34 = machine.flush(offer: ring.offer)
        #expect(r34 == .none, "two acks owed; and no more reads")
        let r35 = machine.readComplete(offer: ring.offer)
        #expect(r35 == .none, "a read already under way does not ask for another")
        let r36 = machine.ackReady(1, line: Self.ack(1))
        #expect(r36 == .writeAcks([Self.ack(1)], thenCloseOutput: false))
        let r37 = machine.ackReady(2, line: Self.ack(2))
        #expect(r37 == .writeAcks([Self.ack(2)], thenCloseOutput: true))
        let r38 = machine.connectionClosed()
        #expect(!r38, "a line eventd's drain cut short does not count")
        #expect(ring.taken == ["1", "2"])
    }

    @Test func aClosedConnectionStillHandsItsBatchesToTheRingButWritesNothing() {
        let ring = FakeRing()
        var machine = Self.ackModeConnection(lines: 1, ring: ring)
        let r39 = machine.connectionClosed()
        #expect(r39, "the sender closed: its unterminated last line counts")
        let r40 = machine.lineCut("2")
        #expect(r40 == 2)
        let r41 = machine.flush(offer: ring.offer)
        #expect(r41 == .none, "no read after the close")
        #expect(ring.taken == ["1", "2"])
        let r42 = machine.ackReady(1, line: Self.ack(1))
        #expect(r42 == .none)
        #expect(machine.idleTimedOut() == .none)
    }

    @Test func afterTheLoaderStoppedWhatIsLeftFailsAndTheDrainGoesOn() {
        let ring = FakeRing()
        ring.room = 0
        var machine = Self.ackModeConnection(lines: 2, ring: ring)
        machine.drainRequested()
        ring.closed = true
        let r43 = machine.spaceAvailable(offer: ring.offer)
        #expect(r43 == .dropAtShutdown(["1", "2"], then: .none))
        // The failed batches' acks still come (they say the lines failed), then the output closes.
        let r44 = machine.ackReady(1, line: Self.ack(1))
        #expect(r44 == .writeAcks([Self.ack(1)], thenCloseOutput: false))
        let r45 = machine.ackReady(2, line: Self.ack(2))
        #expect(r45 == .writeAcks([Self.ack(2)], thenCloseOutput: true))

        var open = Machine()
        open.batchCut("a")
        let r46 = open.readComplete(offer: ring.offer)
        #expect(r46 == .dropAtShutdown(["a"], then: .read))
    }

    @Test func idleTimeoutAndErrorsClose() {
        var machine = Machine()
        #expect(machine.idleTimedOut() == .close)
        #expect(machine.errorCaught() == .close)
        _ = machine.connectionClosed()
        #expect(machine.errorCaught() == .none)
    }
}
