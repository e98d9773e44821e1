/// Reads the kernel's per-socket drop counter out of the text of `/proc/net/udp` or `/proc/net/udp6`.
///
/// When a UDP socket's receive buffer is full, Linux drops the datagram before eventd can read it; the
/// machine-wide `Udp: RcvbufErrors` in /proc/net/snmp counts it for every process, while the `drops`
/// column of /proc/net/udp counts it per socket (it also counts the rarer drops for a bad checksum or a
/// socket filter). Only sockets whose inode eventd holds count: with `reuse_port` other processes have
/// sockets on the same port, and their drops are not eventd's. The same lines say whether datagrams
/// wait unread in each socket's receive queue (`rx_queue`), which shutdown reads empty before it
/// closes the socket (`UDPReceiveQueueDrain`).
///
/// Pure: the caller reads the files (`KernelUDPDropsReader`); tests feed sample text.
enum KernelUDPDrops {
    /// Columns of a socket line: `sl local_address rem_address st tx_queue:rx_queue tr:tm->when
    /// retrnsmt uid timeout inode ref pointer drops`.
    private static let localAddressColumn = 1
    private static let queuesColumn = 4
    private static let inodeColumn = 9
    private static let dropsColumn = 12

    /// What one or more tables say about our sockets.
    struct Tally: Equatable, Sendable {
        /// Lines that were one of our sockets on the port: 0 means the figure below means nothing.
        var sockets = 0
        /// Datagrams the kernel dropped on those sockets since each was created.
        var drops: UInt64 = 0
        /// Receive-queue memory of those sockets: the kernel's buffers for datagrams eventd has not read
        /// yet (their allocated size, so more than the payload); 0 when every queue is empty.
        var queuedBytes: UInt64 = 0

        static func + (a: Tally, b: Tally) -> Tally {
            Tally(sockets: a.sockets + b.sockets, drops: a.drops &+ b.drops,
                  queuedBytes: a.queuedBytes &+ b.queuedBytes)
        }
    }

    /// Sums `drops` and `rx_queue` over the lines of `table` whose local port is `port` and whose inode
    /// is in `inodes`. The header line and lines that do not parse count nothing.
    static func tally(table: String, port: Int, inodes: Set<UInt64>) -> Tally {
        var tally = Tally()
        for line in table.split(separator: "\n") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count > dropsColumn,
                  let inode = UInt64(columns[inodeColumn]), inodes.contains(inode),
                  localPort(columns[localAddressColumn]) == port,
                  let drops = UInt64(columns[dropsColumn]),
                  let queued = receiveQueueBytes(columns[queuesColumn])
            else { continue }
            tally.sockets += 1
            tally.drops &+= drops
            tally.queuedBytes &+= queued
        }
        return tally
    }

    /// The inode of a socket from the target of a `/proc/self/fd/N` link (`socket:[12345]`), or nil for
    /// anything else (files, pipes, `anon_inode:[eventfd]`).
    static func socketInode(fdLinkTarget target: String) -> UInt64? {
        let prefix = "socket:[", suffix = "]"
        guard target.hasPrefix(prefix), target.hasSuffix(suffix) else { return nil }
        return UInt64(target.dropFirst(prefix.count).dropLast(suffix.count))
    }

    /// `00000000:00030000` (`tx_queue:rx_queue`, hex): the bytes waiting to be read.
    private static func receiveQueueBytes(_ queues: Substring) -> UInt64? {
        guard let colon = queues.lastIndex(of: ":") else { return nil }
        return UInt64(queues[queues.index(after: colon)...], radix: 16)
    }

    /// `0100007F:13FB` (IPv4) or `00000000000000000000000001000000:13FB` (IPv6): the port is the hex
    /// after the last colon.
    private static func localPort(_ address: Substring) -> Int? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...], radix: 16)
    }
}
