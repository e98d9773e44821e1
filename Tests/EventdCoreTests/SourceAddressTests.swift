import Testing
@testable import EventdCore

@Suite struct SourceAddressTests {
    @Test func anonymisesIPv4LastOctet() {
        #expect(SourceAddress("203.0.113.77")!.anonymised().description == "203.0.113.0")
        #expect(SourceAddress("10.1.2.3")!.description == "10.1.2.3")
        #expect(SourceAddress("256.1.1.1") == nil)
        #expect(SourceAddress("1.2.3") == nil)
    }

    @Test func anonymisesIPv6Last80Bits() {
        #expect(SourceAddress("2001:db8:85a3:8d3:1319:8a2e:370:7348")!.anonymised().description == "2001:db8:85a3::")
        #expect(SourceAddress("2001:db8::1")!.description == "2001:db8::1")
        #expect(SourceAddress("::1")!.description == "::1")
        #expect(SourceAddress("::")!.description == "::")
        #expect(SourceAddress("2001:0db8:0000:0000:0001:0000:0000:0001")!.description == "2001:db8::1:0:0:1")
        #expect(SourceAddress("fe80::1%eth0")!.description == "fe80::1")
        #expect(SourceAddress("1:2:3:4:5:6:7:8")!.description == "1:2:3:4:5:6:7:8")
        #expect(SourceAddress("1::2::3") == nil)
        #expect(SourceAddress("12345::") == nil)
    }

    @Test func mappedIPv4IsStoredAsIPv4() {
        let a = SourceAddress("::ffff:198.51.100.9")!
        #expect(a.isIPv4)
        #expect(a.anonymised().description == "198.51.100.0")
    }

    @Test func readsSockaddrBytes() {
        let v4: [UInt8] = [192, 0, 2, 1]
        #expect(v4.withUnsafeBytes { SourceAddress(bytes: $0) }?.description == "192.0.2.1")
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
        #expect(v6.withUnsafeBytes { SourceAddress(bytes: $0) }?.description == "2001:db8::1")
    }
}
