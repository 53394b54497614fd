import Glibc
import LMDBStore

/// A run of a database's entries copied out of a read transaction into one flat buffer, in key order: a rebuild
/// compares the replayed projections with the stored ones ten thousand entries at a time, and an array per key and per
/// value made two allocations (and two frees) per entry.
struct EntryRun {
    /// The entries' bytes, in memory of their own: appended to an array, each key and each value went through the
    /// array's generic appending, about a hundred instructions for a few dozen bytes (a replay appends every
    /// registration's entries twice). Copied before a change when another run shares them.
    private final class Bytes {
        private(set) var base: UnsafeMutableRawPointer?
        private(set) var count = 0
        private var capacity = 0

        init() {}

        deinit { free(base) }

        func append(_ b: UnsafeRawBufferPointer) {
            guard let from = b.baseAddress, b.count > 0 else { return }
            if count + b.count > capacity { grow(to: count + b.count) }
            (base! + count).copyMemory(from: from, byteCount: b.count)
            count += b.count
        }

        func removeAll() { count = 0 }

        func copy() -> Bytes {
            let c = Bytes()
            if let base { c.append(UnsafeRawBufferPointer(start: base, count: count)) }
            return c
        }

        private func grow(to needed: Int) {
            // Room for a batch's registrations from the first (each writes a registry entry of about 200 bytes, and its
            // documents'): grown from less, a replay's plans copied their bytes twice per batch.
            // Grown as `FlatBuffer` grows (`realloc`: a large run's pages moved where they lie, not copied).
            let larger = max(needed, capacity * 2, EntryRun.reserved * 256)
            guard let moved = realloc(base, larger) else { fatalError("out of memory: \(larger) bytes of entries") }
            (base, capacity) = (moved, larger)
        }
    }

    private var bytes = Bytes()
    /// Where each entry's key starts and ends; its value follows its key, and the next entry follows its value.
    private var bounds: [(start: Int, keyEnd: Int)] = []

    var count: Int { bounds.count }

    /// Entries a run makes room for when its first is appended.
    static let reserved = 256

    mutating func append(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        append(nil, key, nil, value)
    }

    /// `append(_:_:)` of a key and a value each made of a byte and the bytes after it (a registration's registry
    /// entry: the kind's letter and the id, the schema and the payload), without making them first.
    mutating func append(_ keyHead: UInt8?, _ key: UnsafeRawBufferPointer, _ valueHead: UInt8?, _ value: UnsafeRawBufferPointer) {
        // Room for a batch's registrations from the first: grown from nothing, a replay's plan for every batch of
        // records copied its entries at each doubling.
        if bounds.capacity == 0 { bounds.reserveCapacity(EntryRun.reserved) }
        if !isKnownUniquelyReferenced(&bytes) { bytes = bytes.copy() }
        let start = bytes.count
        if let keyHead { withUnsafeBytes(of: keyHead) { bytes.append($0) } }
        bytes.append(key)
        bounds.append((start, bytes.count))
        if let valueHead { withUnsafeBytes(of: valueHead) { bytes.append($0) } }
        bytes.append(value)
    }

    mutating func removeAll() {
        if isKnownUniquelyReferenced(&bytes) { bytes.removeAll() } else { bytes = Bytes() }
        bounds.removeAll(keepingCapacity: true)
    }

    /// The indices of the entries in key order, each key once (the last entry appended under it): a run appended
    /// in key order already is not sorted.
    func orderByKey() -> [Int] {
        withEntries { e in
            var sorted = true
            for i in 1..<max(1, count) where KeyOrder.compare(e.key(i - 1), e.key(i)) >= 0 {
                sorted = false
                break
            }
            var order: [Int]
            if sorted {
                order = Array(0..<count)
            } else {
                // By the keys' first eight bytes as one number, then by the whole keys, then in the order appended:
                // comparing two numbers costs a tenth of comparing two keys (a document's key is a hash: few share a prefix).
                var keyed = (0..<count).map { (prefix: EntryRun.prefix(e.key($0)), index: $0) }
                keyed.sort { a, b in
                    if a.prefix != b.prefix { return a.prefix < b.prefix }
                    let c = KeyOrder.compare(e.key(a.index), e.key(b.index))
                    return c != 0 ? c < 0 : a.index < b.index
                }
                order = keyed.map(\.index)
            }
            var out: [Int] = []
            out.reserveCapacity(order.count)
            for (n, i) in order.enumerated() where n + 1 == order.count || KeyOrder.compare(e.key(i), e.key(order[n + 1])) != 0 {
                out.append(i)
            }
            return out
        }
    }

    /// The first eight bytes of `key` (zeros after a shorter key's end) as a number that sorts as they do.
    private static func prefix(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var p: UInt64 = 0
        for i in 0..<8 { p = p << 8 | UInt64(i < key.count ? key[i] : 0) }
        return p
    }

    /// Hands `body` a reader of the run's entries, valid inside the call.
    func withEntries<R>(_ body: (Entries) throws -> R) rethrows -> R {
        try withExtendedLifetime(bytes) { try body(Entries(all: UnsafeRawBufferPointer(start: bytes.base, count: bytes.count), run: self)) }
    }

    /// The run's entries as buffers into its bytes.
    struct Entries {
        fileprivate let all: UnsafeRawBufferPointer
        fileprivate let run: EntryRun

        func key(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: all[run.bounds[i].start..<run.bounds[i].keyEnd]) }

        func value(_ i: Int) -> UnsafeRawBufferPointer {
            let end = i + 1 < run.bounds.count ? run.bounds[i + 1].start : all.count
            return UnsafeRawBufferPointer(rebasing: all[run.bounds[i].keyEnd..<end])
        }
    }
}
