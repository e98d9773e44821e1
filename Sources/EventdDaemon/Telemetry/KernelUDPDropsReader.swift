import Foundation

/// Reads from /proc how many datagrams the kernel dropped on this process's UDP sockets bound to
/// `port`, and how many bytes wait in their receive queues (`KernelUDPDrops` does the parsing). Linux
/// only; elsewhere, or when /proc cannot be read, `read()` returns nil.
struct KernelUDPDropsReader: Sendable {
    let port: Int

    /// The drops and queued bytes summed over /proc/net/udp and /proc/net/udp6, or nil when neither
    /// lists a socket of ours on `port` (not Linux, /proc unreadable, or another network namespace's view).
    func read() -> KernelUDPDrops.Tally? {
        #if os(Linux)
        let inodes = socketInodes()
        guard !inodes.isEmpty else { return nil }
        // An IPv4 socket is listed in udp, an IPv6 (or dual-stack) one in udp6; udp6 is absent when
        // the kernel has no IPv6.
        let tally = ["net/udp", "net/udp6"].reduce(KernelUDPDrops.Tally()) { tally, file in
            guard let table = try? String(contentsOfFile: "/proc/\(file)", encoding: .utf8) else { return tally }
            return tally + KernelUDPDrops.tally(table: table, port: port, inodes: inodes)
        }
        return tally.sockets > 0 ? tally : nil
        #else
        return nil
        #endif
    }

    /// The inodes of the sockets this process holds, from the targets of /proc/self/fd's links.
    /// Read on every call: a handful of descriptors, once a second.
    private func socketInodes() -> Set<UInt64> {
        let directory = "/proc/self/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(descriptors.compactMap { descriptor in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(descriptor)"))
                .flatMap(KernelUDPDrops.socketInode(fdLinkTarget:))
        })
    }
}
