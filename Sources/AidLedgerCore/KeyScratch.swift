import Foundation

/// Raw memory a key is written into for a look-up, reused for every look-up and grown when a key needs more: writing
/// a key is a few copies, with no allocation and none of an array's per-append checks.
final class KeyScratch {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int

    init(capacity: Int = 256) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    /// Writes `length` bytes with `write` and hands them to `body`.
    func with<R>(length: Int, write: (inout RawKeyWriter) -> Void, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if length > capacity {
            base.deallocate()
            capacity = max(length, capacity * 2)
            base = .allocate(byteCount: capacity, alignment: 8)
        }
        var writer = RawKeyWriter(base)
        write(&writer)
        precondition(writer.written == length, "a key wrote \(writer.written) bytes, not the \(length) it announced")
        return try body(UnsafeRawBufferPointer(start: base, count: length))
    }
}

/// Writes a key's parts one after another into raw memory the caller has sized.
struct RawKeyWriter {
    private let start: UnsafeMutableRawPointer
    private var next: UnsafeMutableRawPointer

    init(_ start: UnsafeMutableRawPointer) { (self.start, next) = (start, start) }

    var written: Int { next - start }

    /// The bytes a text takes in a key.
    @inline(__always)
    static func length(_ s: String) -> Int { s.utf8.count }

    /// Copies the text's UTF-8 bytes. Read through its UTF-8 view: no copy of the string is made to get at them
    /// (a key's texts are short ids and words, most of them stored inside the string itself).
    @inline(__always)
    mutating func text(_ s: String) {
        let copied: Void? = s.utf8.withContiguousStorageIfAvailable { utf8 in
            if let from = utf8.baseAddress { RawKeyWriter.copy(from, to: next, utf8.count) }
            next += utf8.count
        }
        if copied == nil {
            for b in s.utf8 { byte(b) }
        }
    }

    /// Copies `count` bytes; a key's texts are short, and up to 16 bytes take two overlapping word moves instead of a
    /// call to `memmove` (a replay writes several texts into every key it works out).
    @inline(__always)
    static func copy(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, _ count: Int) {
        switch count {
        case 8...16:
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (to + count - 8).storeBytes(of: (from + count - 8).loadUnaligned(as: UInt64.self), as: UInt64.self)
        case 4..<8:
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            (to + count - 4).storeBytes(of: (from + count - 4).loadUnaligned(as: UInt32.self), as: UInt32.self)
        case 0..<4:
            for i in 0..<count { to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        default:
            to.copyMemory(from: from, byteCount: count)
        }
    }

    /// Copies bytes held elsewhere (a text as a record stores it).
    @inline(__always)
    mutating func bytes(_ b: UnsafeRawBufferPointer) {
        if let from = b.baseAddress { RawKeyWriter.copy(from, to: next, b.count) }
        next += b.count
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        next.storeBytes(of: b, as: UInt8.self)
        next += 1
    }

    @inline(__always)
    mutating func bigEndian(_ v: UInt64) {
        next.storeBytes(of: v.bigEndian, toByteOffset: 0, as: UInt64.self)
        next += 8
    }
}
