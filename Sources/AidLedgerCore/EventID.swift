import Foundation

/// A time-ordered 128-bit event id (UUID version 7 layout): ids made later sort later,
/// so index inserts land at the end of the tree.
public struct EventID: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A new id for a record made at `micros` (microseconds since 1970).
    public static func make(atMicros micros: Int64) -> EventID {
        let millis = UInt64(max(micros, 0) / 1000)
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> UInt64(40 - 8 * i)) }
        RandomPool.shared.fill(&b, from: 6, count: 10)
        b[6] = 0x70 | (b[6] & 0x0f)
        b[8] = 0x80 | (b[8] & 0x3f)
        return EventID(bytes: b)
    }

    /// `0192f1c4-5d2e-7a3b-8c4d-1e2f3a4b5c6d`
    public var description: String {
        // The UUID layout: 8-4-4-4-12 hexadecimal digits.
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
