/// A run of a database's entries copied out of a read transaction into one flat buffer, in key order: a rebuild
/// compares the replayed projections with the stored ones ten thousand entries at a time, and an array per key and per
/// value made two allocations (and two frees) per entry.
struct EntryRun {
    private var bytes: [UInt8] = []
    /// Where each entry's key starts; its value follows its key, and the next entry follows its value.
    private var starts: [Int] = []
    private var keyEnds: [Int] = []

    var count: Int { starts.count }

    mutating func append(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
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
