import LMDBStore

/// A run of a database's entries copied out of a read transaction into one flat buffer, in key order: a rebuild
/// compares the replayed projections with the stored ones ten thousand entries at a time, and an array per key and per
/// value made two allocations (and two frees) per entry.
struct EntryRun {
    private var bytes: [UInt8] = []
    /// Where each entry's key starts; its value follows its key, and the next entry follows its value.
    private var starts: [Int] = []
    private var keyEnds: [Int] = []

    var count: Int { starts.count }

    /// Entries a run makes room for when its first is appended.
    static let reserved = 256

    mutating func append(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        if starts.capacity == 0 {
            // Room for a batch's registrations from the first: grown from nothing, a replay's plan for every batch of
            // records copied its entries at each doubling.
            starts.reserveCapacity(EntryRun.reserved)
            keyEnds.reserveCapacity(EntryRun.reserved)
            bytes.reserveCapacity(EntryRun.reserved * 64)
        }
        starts.append(bytes.count)
        bytes.append(contentsOf: key)
        keyEnds.append(bytes.count)
        bytes.append(contentsOf: value)
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        keyEnds.removeAll(keepingCapacity: true)
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
        try bytes.withUnsafeBytes { all in try body(Entries(all: all, run: self)) }
    }

    /// The run's entries as buffers into its bytes.
    struct Entries {
        fileprivate let all: UnsafeRawBufferPointer
        fileprivate let run: EntryRun

        func key(_ i: Int) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: all[run.starts[i]..<run.keyEnds[i]]) }

        func value(_ i: Int) -> UnsafeRawBufferPointer {
            let end = i + 1 < run.starts.count ? run.starts[i + 1] : all.count
            return UnsafeRawBufferPointer(rebasing: all[run.keyEnds[i]..<end])
        }
    }
}
