/// Reads what `ByteWriter` wrote; every read checks its bounds and throws instead of trapping.
///
/// Reads index the bytes directly (no slices, no intermediate arrays): replays decode millions of records. A reader
/// reads memory it does not own, and lives no longer than the call that lent it (`reading`, or a replay's walk over
/// the log, whose records it reads where the map holds them): holding an array, each reader made counted a reference
/// to it, and a replay made several per record and copied each record out of the map first.
public struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    /// Where the readable bytes end (a stored record's hash follows its body).
    private let end: Int
    public private(set) var offset: Int
    /// Set for a replay's or a report's reading: payloads then leave out what a rule decided at the counter
    /// (an issuance's entitlement decisions and override reason), which the log keeps for auditors and no projection
    /// or report reads.
    public var leavesOutDecisions = false

    /// A reader of `bytes`, which must stay where they are while it reads.
    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    /// Hands `body` a reader of `bytes` (from `offset` up to `end`), for the time of the call.
    public static func reading<R>(_ bytes: [UInt8], offset: Int = 0, end: Int? = nil, _ body: (inout ByteReader) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { b in
            var r = ByteReader(b, offset: offset, end: end)
            return try body(&r)
        }
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset == end }
    public var remaining: Int { end - offset }

    /// Moves past `n` bytes. - Returns: where they start.
    @inline(__always)
    private mutating func advance(_ n: Int) throws(DecodeError) -> Int {
        guard n >= 0, n <= end - offset else { throw .truncated(at: offset) }
        let start = offset
        offset += n
        return start
    }

    /// The big-endian integer at `start` (where `advance` has checked it lies), in one load: byte by byte, each
    /// byte's bounds were checked again (a replay reads every record's type and time so).
    @inline(__always)
    private func bigEndian<T: FixedWidthInteger>(at start: Int, as: T.Type) -> T {
        T(bigEndian: bytes.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    @inline(__always)
    public mutating func u8() throws(DecodeError) -> UInt8 { bytes[try advance(1)] }

    @inline(__always)
    public mutating func bool() throws(DecodeError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw .invalid("a flag that is neither 0 nor 1", at: offset - 1)
        }
    }

    @inline(__always)
    public mutating func u16() throws(DecodeError) -> UInt16 { bigEndian(at: try advance(2), as: UInt16.self) }

    @inline(__always)
    public mutating func u32() throws(DecodeError) -> UInt32 { bigEndian(at: try advance(4), as: UInt32.self) }

    @inline(__always)
    public mutating func u64() throws(DecodeError) -> UInt64 { bigEndian(at: try advance(8), as: UInt64.self) }

    @inline(__always)
    public mutating func varint() throws(DecodeError) -> UInt64 {
        // Most varints (lengths, counts, small quantities) fit in one byte: read here, where the caller is.
        if offset < end, bytes[offset] < 0x80 {
            offset += 1
            return UInt64(bytes[offset - 1])
        }
        return try longVarint()
    }

    @inline(never)
    private mutating func longVarint() throws(DecodeError) -> UInt64 {
        // Unchecked within `end` (the loop stays below it): a replay reads several per record.
        let at = offset
        // Two or three bytes (a date, a lot's position, a sum in kopecks), most long ones: read without the loop.
        if end - at >= 3 {
            let (b0, b1, b2) = (UInt64(bytes[at] & 0x7f), bytes[at + 1], bytes[at + 2])
            if b1 < 0x80 {
                offset = at + 2
                return b0 | UInt64(b1) << 7
            }
            if b2 < 0x80 {
                offset = at + 3
                return b0 | UInt64(b1 & 0x7f) << 7 | UInt64(b2) << 14
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = at
        while i < end {
            let byte = bytes[i]
            i += 1
            // The tenth byte holds the 64th bit alone.
            guard shift < 63 || byte <= 1 else { throw .invalid("a varint longer than 64 bits", at: i) }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 {
                offset = i
                return result
            }
            shift += 7
        }
        throw .truncated(at: i)
    }

    @inline(__always)
    public mutating func int() throws(DecodeError) -> Int64 {
        let z = try varint()
        return Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1)))
    }

    /// A count that must fit in the bytes left, so a corrupt length cannot make us allocate gigabytes.
    @inline(__always)
    public mutating func count(minimumElementSize: Int = 1) throws(DecodeError) -> Int {
        let n = try varint()
        let fits = minimumElementSize <= 1 ? remaining : remaining / minimumElementSize
        guard n <= UInt64(fits) else { throw beyond(n) }
        return Int(n)
    }

    @inline(never)
    private func beyond(_ n: UInt64) -> DecodeError { .invalid("a count of \(n) beyond the record", at: offset) }

    public mutating func string() throws(DecodeError) -> String {
        let n = try count()
        let start = try advance(n)
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<start + n])
        // Ids and most names are ASCII, which needs no validation beyond the high bit.
        let s = text.allSatisfy { $0 < 0x80 } ? String(decoding: text, as: UTF8.self) : String(validating: text, as: UTF8.self)
        guard let s else { throw .invalid("text that is not UTF-8", at: start) }
        return s
    }

    /// Moves past a string without building it. - Returns: where its bytes are (see `withBytes`).
    @inline(__always)
    mutating func textRange() throws(DecodeError) -> Range<Int> {
        let n = try count()
        let start = try advance(n)
        return start..<start + n
    }

    /// The text whose bytes are in `range` (one `textRange` gave).
    func text(_ range: Range<Int>) -> String { withBytes(range) { String(decoding: $0, as: UTF8.self) } }

    /// Hands `body` the bytes in `range` (one `textRange` gave), in place.
    func withBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Moves past `n` bytes.
    @inline(__always)
    public mutating func skip(_ n: Int) throws(DecodeError) { _ = try advance(n) }

    /// Moves past a string without building it. - Returns: the empty string.
    @inline(__always)
    public mutating func skipString() throws(DecodeError) -> String {
        try skip(try count())
        return ""
    }

    public mutating func raw(_ n: Int) throws(DecodeError) -> [UInt8] {
        let start = try advance(n)
        return Array(UnsafeRawBufferPointer(rebasing: bytes[start..<start + n]))
    }

    /// What `ByteWriter.blob` wrote.
    public mutating func blob() throws(DecodeError) -> [UInt8] { try raw(try count()) }

    public mutating func optional<T>(_ read: (inout ByteReader) throws -> T) throws -> T? {
        try bool() ? try read(&self) : nil
    }

    /// An array as `ByteWriter.array` wrote it.
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
