/// Appends the ledger's compact binary encoding: big-endian fixed integers, LEB128 varints,
/// length-prefixed UTF-8 strings.
public struct ByteWriter: ~Copyable, @unchecked Sendable {  // owns its memory alone: it cannot be copied
    /// Written straight into memory it owns (`FlatBuffer`): an encoding checks for room and stores, where appending to
    /// an array checked its uniqueness and room for every byte (a summary's encoding, which a replay makes for every
    /// recipient, took half its time doing so).
    private var storage: FlatBuffer<UInt8>

    public init(capacity: Int = 128) { storage = FlatBuffer(capacity: capacity) }

    /// Bytes written so far.
    public var count: Int { storage.count }

    /// The bytes written.
    public var bytes: [UInt8] { storage.elements }

    /// Hands `body` the bytes written, in place.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
    }

    /// Empties the writer, keeping its memory for the next encoding.
    public mutating func removeAll() { storage.removeAll() }

    @inline(__always)
    private mutating func put(_ v: UInt8) { storage.append(v) }

    public mutating func u8(_ v: UInt8) { put(v) }

    public mutating func bool(_ v: Bool) { u8(v ? 1 : 0) }

    public mutating func u16(_ v: UInt16) {
        put(UInt8(v >> 8))
        put(UInt8(truncatingIfNeeded: v))
    }

    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    public mutating func u64(_ v: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { put(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// An unsigned LEB128 varint. Most (lengths, counts, a summary's name indexes) take one byte: written where the
    /// caller is, the longer ones by a function of their own.
    @inline(__always)
    public mutating func varint(_ v: UInt64) {
        if v < 0x80 { return put(UInt8(v)) }
        longVarint(v)
    }

    @inline(never)
    private mutating func longVarint(_ v: UInt64) {
        // At most ten bytes, with one check for room (a position, a date, a sum in kopecks: two or three).
        varints(1) { $0.varint(v) }
    }

    /// A signed integer, zigzag-encoded as a varint.
    public mutating func int(_ v: Int64) {
        varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    /// Writes the varints `body` writes through a `VarintRun`, in room for `count` of them made once: a line of a
    /// recipient's summary, several integers checked for room once instead of once each (a replay encodes every
    /// summary it holds, about a hundred varints each).
    @inline(__always)
    mutating func varints(_ count: Int, _ body: (inout VarintRun) -> Void) {
        storage.append(upTo: count * 10) { at in
            var run = VarintRun(at)
            body(&run)
            return run.written
        }
    }

    public mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            storage.append(contentsOf: utf8)
        }
    }

    /// Bytes held elsewhere, copied as they are.
    public mutating func raw(_ b: UnsafeBufferPointer<UInt8>) { storage.append(contentsOf: b) }

    public mutating func raw(_ b: some Sequence<UInt8>) {
        let copied: Void? = b.withContiguousStorageIfAvailable { storage.append(contentsOf: $0) }
        if copied == nil { for byte in b { u8(byte) } }
    }

    /// A length, then the bytes.
    public mutating func blob(_ b: [UInt8]) {
        varint(UInt64(b.count))
        b.withUnsafeBufferPointer { storage.append(contentsOf: $0) }
    }

    /// An optional value: a presence byte, then the value.
    public mutating func optional<T>(_ v: T?, _ write: (inout ByteWriter, T) -> Void) {
        if let v {
            u8(1)
            write(&self, v)
        } else {
            u8(0)
        }
    }

    /// A count, then each element.
    public mutating func array<T>(_ items: [T], _ write: (inout ByteWriter, T) -> Void) {
        varint(UInt64(items.count))
        for item in items { write(&self, item) }
    }
}

/// Writes varints, as `ByteWriter` does, one after another into memory made ready for them (`ByteWriter.varints`).
struct VarintRun {
    private let start: UnsafeMutablePointer<UInt8>
    private var next: UnsafeMutablePointer<UInt8>

    fileprivate init(_ start: UnsafeMutablePointer<UInt8>) { (self.start, next) = (start, start) }

    /// Bytes written.
    fileprivate var written: Int { next - start }

    /// An unsigned LEB128 varint.
    @inline(__always)
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            next.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            next += 1
            v >>= 7
        }
        next.pointee = UInt8(truncatingIfNeeded: v)
        next += 1
    }

    /// A signed integer, zigzag-encoded as a varint.
    @inline(__always)
    mutating func int(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }
}
