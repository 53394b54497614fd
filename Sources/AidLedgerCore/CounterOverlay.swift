import LMDBStore

/// Counters (stock, cash, running totals) changed in memory and written to the store once: each key read from the
/// store the first time it is touched, added to as numbers, and written (or removed at zero) by `flush`.
///
/// A replay keeps every counter here for a chunk of events; a batch of commands keeps its running totals here, so
/// a campaign's or donor's total touched by every command of the batch is written once, not once per command (no
/// check of the append path reads the running totals). One thread uses an overlay and its accesses never overlap,
/// so the runtime's exclusivity checks on its tables are switched off.
final class CounterOverlay {
    /// By database; three at most: a linear search for the slot beats hashing the handle.
    @exclusivity(unchecked) private var tables: [(db: Database, table: ByteTable)] = []
    /// Where each key is written for its look-up (reused: no allocation per look-up).
    private let scratch = KeyScratch()

    /// Counters held, in all tables.
    var count: Int { tables.reduce(0) { $0 + $1.table.count } }

    /// Adds `delta` to a counter. - Returns: the new value.
    func add(_ db: Database, _ key: CounterKey, _ delta: Int64, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Int64 {
        let slot: Int
        if let i = tables.firstIndex(where: { $0.db == db }) {
            slot = i
        } else {
            tables.append((db, ByteTable()))
            slot = tables.count - 1
        }
        return try scratch.with(length: key.length, write: { key.write(&$0) }) { k in
            try tables[slot].table.update(k) { current in
                try (current ?? store.int64(txn, db, Array(k))).adding(delta, describing: "a running total")
            }
        }
    }

    /// Writes every counter changed since the last flush, and forgets them.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        for (db, table) in tables {
            // In key order, appended when the store holds none yet (a replay's first chunk).
            try txn.writeInKeyOrder(db) { w in
                try table.forEachSorted { key, value in try LedgerStore.setCounter(w, key: key, value) }
            }
        }
        clear()
    }

    /// Forgets every change (keeping the memory).
    func clear() {
        for i in tables.indices { tables[i].table.removeAll() }
    }
}
