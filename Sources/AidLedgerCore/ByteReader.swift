/// Reads what `ByteWriter` wrote; every read checks its bounds and throws instead of trapping.
public struct ByteReader {
    private let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == bytes.count }
    public var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw .truncated(at: offset) }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    public mutating func u8() throws(DecodeError) -> UInt8 { try take(1).first! }

    public mutating func bool() throws(DecodeError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw .invalid("a flag that is neither 0 nor 1", at: offset - 1)
        }
    }

    public mutating func u16() throws(DecodeError) -> UInt16 {
        try take(2).reduce(0) { $0 << 8 | UInt16($1) }
    }

    public mutating func u32() throws(DecodeError) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    public mutating func u64() throws(DecodeError) -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    public mutating func varint() throws(DecodeError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try u8()
            guard shift < 64, shift < 63 || byte <= 1 else { throw .invalid("a varint longer than 64 bits", at: offset) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    public mutating func int() throws(DecodeError) -> Int64 {
        let z = try varint()
        return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }

    /// A count that must fit in the bytes left, so a corrupt length cannot make us allocate gigabytes.
    public mutating func count(minimumElementSize: Int = 1) throws(DecodeError) -> Int {
        let n = try varint()
        guard n <= UInt64(remaining / max(minimumElementSize, 1)) else { throw .invalid("a count of \(n) beyond the record", at: offset) }
        return Int(n)
    }

    public mutating func string() throws(DecodeError) -> String {
        let n = try count()
        let slice = try take(n)
        // Ids and most names are ASCII, which needs no validation beyond the high bit.
        if slice.allSatisfy({ $0 < 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        guard let s = String(validating: slice, as: UTF8.self) else { throw .invalid("text that is not UTF-8", at: offset - n) }
        return s
    }

    public mutating func raw(_ n: Int) throws(DecodeError) -> [UInt8] { Array(try take(n)) }

    /// What `ByteWriter.blob` wrote.
    public mutating func blob() throws(DecodeError) -> [UInt8] { try raw(try count()) }

    public mutating func optional<T>(_ read: (inout ByteReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    public mutating func array<T>(_ read: (inout ByteReader) throws -> T) throws -> [T] {
        let n = try count()
        var items: [T] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try read(&self)) }
        return items
    }
}

/// A stored record that cannot be decoded.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(at: Int)
    case invalid(String, at: Int)
    case unknownEventType(UInt16)
    case unsupportedSchemaVersion(type: String, version: UInt8)

    public var description: String {
        switch self {
        case .truncated(let at): "the record ends early (byte \(at))"
        case .invalid(let what, let at): "the record holds \(what) (byte \(at))"
        case .unknownEventType(let code): "unknown event type \(code)"
        case .unsupportedSchemaVersion(let type, let version): "\(type) schema version \(version) is newer than this program"
        }
    }
}
