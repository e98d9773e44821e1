@testable import EventdDaemon
import Testing
@testable import EventdTesting

/// The parsing of /proc/net/udp and udp6 that feeds `eventd_udp_kernel_dropped_datagrams_total`,
/// on text laid out as Linux writes it (6.x; the `drops` column is last).
struct KernelUDPDropsTests {
    // Port 5171 is 0x1433. Inode 4001 is eventd's socket; 4002 is another process's socket on the same
    // port (`reuse_port`); 4003 is eventd's socket on another port (a second source, a test daemon).
    static let udp = """
           sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            
          412: 0100007F:1433 00000000:0000 07 00000000:00030000 00:00000000 00000000     0        0 4001 2 0000000049a1c019 37       
          412: 0100007F:1433 00000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 4002 2 00000000e87bd8ac 1000     
          900: 0100007F:A49A 0100007F:BBC1 01 00000000:00000000 00:00000000 00000000     0        0 4003 2 00000000e87bd8ad 5        

        """
    static let udp6 = """
          sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
          412: 00000000000000000000000001000000:1433 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4004 2 00000000aa1c0190 4
          413: 00000000000000000000000000000000:1433 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 4005 2 00000000aa1c0191 70

        """

    @Test func countsOnlyOurSocketOnOurPort() {
        let tally = KernelUDPDrops.tally(table: Self.udp, port: 5171, inodes: [4001, 4003, 4004])
        #expect(tally == KernelUDPDrops.Tally(sockets: 1, drops: 37, queuedBytes: 0x30000),
                "4002 shares the port but is not ours; 4003 is ours on another port")
    }

    @Test func readsIPv6SocketsFromUDP6() {
        let tally = KernelUDPDrops.tally(table: Self.udp6, port: 5171, inodes: [4001, 4004])
        #expect(tally == KernelUDPDrops.Tally(sockets: 1, drops: 4))
    }

    @Test func sumsOverBothTablesAndEverySocketOfOurs() {
        let ours: Set<UInt64> = [4001, 4004]
        let both = KernelUDPDrops.tally(table: Self.udp, port: 5171, inodes: ours)
            + KernelUDPDrops.tally(table: Self.udp6, port: 5171, inodes: ours)
        #expect(both == KernelUDPDrops.Tally(sockets: 2, drops: 41, queuedBytes: 0x30000))
    }

    @Test func findsNothingWhenNoSocketIsOurs() {
        #expect(KernelUDPDrops.tally(table: Self.udp, port: 5171, inodes: [9999]) == KernelUDPDrops.Tally())
        #expect(KernelUDPDrops.tally(table: Self.udp, port: 5171, inodes: []) == KernelUDPDrops.Tally())
        #expect(KernelUDPDrops.tally(table: "", port: 5171, inodes: [4001]) == KernelUDPDrops.Tally())
    }

    @Test func skipsLinesThatDoNotParse() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
            412: 0100007F:1433 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 4001 2 0000000049a1c019
            413: 0100007F:ZZZZ 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 4001 2 0000000049a1c019 3
            414: 0100007F:1433 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 4001 2 0000000049a1c019 -1
            415: 0100007F:1433 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 4001 2 0000000049a1c019 6
            416: 0100007F:1433 00000000:0000 07 00000000:0000XYZ! 00:00000000 00000000 0 0 4001 2 0000000049a1c019 9
            """
        #expect(KernelUDPDrops.tally(table: table, port: 5171, inodes: [4001]) == KernelUDPDrops.Tally(sockets: 1, drops: 6),
                "a line without drops, a bad port, a negative count and a bad queue are skipped")
    }

    @Test func takesSocketInodesFromDescriptorLinks() {
        #expect(KernelUDPDrops.socketInode(fdLinkTarget: "socket:[3307511]") == 3307511)
        #expect(KernelUDPDrops.socketInode(fdLinkTarget: "anon_inode:[eventfd]") == nil)
        #expect(KernelUDPDrops.socketInode(fdLinkTarget: "pipe:[12]") == nil)
        #expect(KernelUDPDrops.socketInode(fdLinkTarget: "/var/lib/eventd/spool/000001.seg") == nil)
        #expect(KernelUDPDrops.socketInode(fdLinkTarget: "socket:[]") == nil)
    }

    /// The reader on this process's own /proc, against the kernel: a socket of ours with a tiny receive
    /// buffer that nobody reads keeps a few datagrams and drops the rest; the reader sees exactly those.
    @Test func readerSeesWhatTheKernelDroppedOnOurSocket() throws {
        let socket = try BoundUDPSocket(receiveBufferBytes: 1)   // the kernel raises it to its minimum
        let reader = KernelUDPDropsReader(port: socket.port)
        #expect(reader.read() == KernelUDPDrops.Tally(sockets: 1), "a fresh socket of ours is listed, empty, nothing dropped")
        #expect(KernelUDPDropsReader(port: 1).read() == nil, "no socket of ours on port 1")

        let sent = 200
        let datagram = String(repeating: "x", count: 300)
        for _ in 0..<sent { sendDatagram(datagram, port: socket.port) }
        let full = try #require(reader.read())
        let queued = socket.drain()
        #expect(full.drops > 0)
        #expect(full.queuedBytes > 0, "datagrams waited in the queue")
        #expect(queued > 0)
        #expect(Int(full.drops) + queued == sent)
        #expect(reader.read()?.queuedBytes == 0, "read empty")
    }
}
