import LMDBStore

/// Decoded projection entries a replay keeps while it runs: each recipient's summary is decoded and encoded once
/// per chunk instead of once per event, each lot decoded once, and the running totals, stock, cash and versions
/// kept as numbers. Written to the store at the end of each chunk.
///
/// Only for a replay: the append path reads and writes the store itself, so a command rolled back
/// inside a batch leaves nothing behind. One replay on one thread uses it and its accesses never overlap, so the
/// runtime's exclusivity checks on its dictionaries (a tenth of a replay's time) are switched off.
final class ReplayCache {
    @exclusivity(unchecked) private var summaries: [String: RecipientSummary] = [:]
    @exclusivity(unchecked) private var lots: [UInt64: Lot] = [:]
    /// Counters (stock, cash, totals) by database and key; zero means the entry goes. Three databases: a linear
    /// search for the slot beats hashing the handle.
    @exclusivity(unchecked) private var counters: [(db: Database, entries: [ByteKey: Int64])] = []
    @exclusivity(unchecked) private var versions: [ByteKey: UInt64] = [:]

    /// A key compared with `memcmp` and folded to one word before it meets the hasher (an array of bytes compares
    /// and hashes byte by byte, which is slow).
    struct ByteKey: Hashable {
        let bytes: [UInt8]

        static func == (a: ByteKey, b: ByteKey) -> Bool {
            a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in b.bytes.withUnsafeBytes { y in KeyOrder.compare(x, y) == 0 } }
        }

        func hash(into hasher: inout Hasher) {
            // The bytes folded eight at a time (multiply and shift): the hasher then mixes one word, not every byte.
            let folded: UInt64 = bytes.withUnsafeBytes { raw in
                var h = 0x9e37_79b9_7f4a_7c15 ^ UInt64(raw.count)
                var i = 0
                while i + 8 <= raw.count {
                    h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
                    h ^= h >> 29
                    i += 8
                }
                var tail: UInt64 = 0
                while i < raw.count {
                    tail = tail << 8 | UInt64(raw[i])
                    i += 1
                }
                return (h ^ tail) &* 0x100_0000_01b3
            }
            hasher.combine(folded)
        }
    }

    /// Adds `delta` to a counter. - Returns: the new value.
    func add(_ db: Database, _ key: [UInt8], _ delta: Int64, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Int64 {
        let slot: Int
        if let i = counters.firstIndex(where: { $0.db == db }) {
            slot = i
        } else {
            counters.append((db, [:]))
            slot = counters.count - 1
        }
        let k = ByteKey(bytes: key)
        if let i = counters[slot].entries.index(forKey: k) {
            let value = try counters[slot].entries.values[i].adding(delta, describing: "a running total")
            counters[slot].entries.values[i] = value
            return value
        }
        let value = try store.int64(txn, db, key).adding(delta, describing: "a running total")
        counters[slot].entries[k] = value
        return value
    }

    func setVersion(_ key: [UInt8], _ position: UInt64) { versions[ByteKey(bytes: key)] = position }

    /// The recipient's summary, taken out of the cache so that changing it copies nothing; put it back with `setSummary`.
    func takeSummary(_ id: String, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> RecipientSummary {
        if let s = summaries.removeValue(forKey: id) { return s }
        return try store.summary(txn, id)
    }

    func setSummary(_ id: String, _ summary: RecipientSummary) { summaries[id] = summary }

    func lot(_ id: UInt64, from load: (UInt64) throws -> Lot) throws -> Lot {
        if let l = lots[id] { return l }
        let l = try load(id)
        lots[id] = l
        return l
    }

    /// Forgets everything (a scratch write that is run again starts from what its environment holds).
    func clear() {
        summaries = [:]
        lots = [:]
        counters = []
        versions = [:]
    }

    /// Writes what changed during the chunk.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        for (id, summary) in summaries { try store.setSummary(txn, id, summary) }
        for (db, entries) in counters {
            for (key, value) in entries { try store.setCounter(txn, db, key.bytes, value) }
        }
        for (key, position) in versions { try txn.put(store.versions, key.bytes, LedgerStore.be64(position)) }
        summaries = [:]
        counters = []
        versions = [:]
    }
}
