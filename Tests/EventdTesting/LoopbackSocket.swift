import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP socket connected to 127.0.0.1:`port` whose reads give up after `receiveTimeoutSeconds`
/// (stretched by `TestTimeout`): what `LineClient` and `HTTPTestClient` talk over.
func connectedLoopbackSocket(port: Int, receiveTimeoutSeconds: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard result == 0 else {
        let failure = errno
        close(fd)
        throw TestSetupError("cannot connect to 127.0.0.1:\(port): errno \(failure)")
    }
    var timeout = TestTimeout.receiveTimeout(seconds: receiveTimeoutSeconds)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    return fd
}
