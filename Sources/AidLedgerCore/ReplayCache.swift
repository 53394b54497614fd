import LMDBStore

/// Decoded projection entries a replay keeps while it runs: each recipient's summary is decoded and encoded once
/// per chunk instead of once per event, each lot decoded once, and the running totals, stock, cash and versions
/// kept as numbers (`CounterOverlay`, `VersionOverlay`). Written to the store at the end of each chunk.
///
/// Only for a replay: the append path reads and writes the store itself (but for a batch's running totals and
/// versions, see `BatchOverlay`), so a command rolled back inside a batch leaves nothing behind. One replay on one thread uses
/// it and its accesses never overlap, so the runtime's exclusivity checks on its dictionaries (a tenth of a
/// replay's time) are switched off.
final class ReplayCache {
    @exclusivity(unchecked) private var summaries: [String: RecipientSummary] = [:]
    @exclusivity(unchecked) private var lots: [UInt64: Lot] = [:]
    /// Stock, cash and running totals.
    let counters = CounterOverlay()
    /// Versions of the entities the chunk changed.
    let versions = VersionOverlay()

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
        counters.clear()
        versions.clear()
    }

    /// Writes what changed during the chunk.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        for (id, summary) in summaries { try store.setSummary(txn, id, summary) }
        try counters.flush(to: store, txn)
        try versions.flush(to: store, txn)
        summaries = [:]
    }
}
