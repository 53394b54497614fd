import LMDBStore

/// Entries a replay's chunk adds to the registry, the documents index and the lots, kept in one flat run per
/// database and written in key order when the chunk ends (or before anything in the chunk reads those databases).
///
/// A document's key is its hash: written as the registrations came, each went to a random page of the index, and
/// the puts of registrations took more of the replaying thread than the changes of their recipients' summaries.
/// Written in key order, into a database that holds none yet, LMDB appends each entry without searching.
struct DeferredEntries {
    private var runs: [(db: Database, entries: EntryRun)] = []

    /// Entries kept.
    var count: Int { runs.reduce(0) { $0 + $1.entries.count } }

    /// Keeps `value` under `key` in `db` until `write(to:)`; a later entry under the same key replaces an earlier one.
    mutating func put(_ db: Database, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        let i = runs.firstIndex { $0.db == db } ?? {
            runs.append((db, EntryRun()))
            return runs.count - 1
        }()
        runs[i].entries.append(key, value)
    }

    /// Writes the entries kept, each database's in key order (or compares them with the stored ones where `matches`
    /// holds the database's), and forgets them.
    mutating func write(to txn: borrowing some KeyValueStore & ~Copyable, matching matches: [Database: KeyOrderMatch] = [:]) throws {
        for i in runs.indices where runs[i].entries.count > 0 {
            let order = runs[i].entries.orderByKey()
            try runs[i].entries.withEntries { entries in
                try txn.writeInKeyOrder(runs[i].db, matching: matches[runs[i].db]) { w in
                    for j in order { try w.put(key: entries.key(j), value: entries.value(j)) }
                }
            }
            runs[i].entries.removeAll()
        }
    }

    /// Forgets the entries kept (a chunk written again starts from its last commit), keeping the memory.
    mutating func removeAll() {
        for i in runs.indices { runs[i].entries.removeAll() }
    }
}
