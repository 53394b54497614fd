import LMDBStore

/// Decoded projection entries a replay keeps while it runs: each recipient's summary is decoded and encoded once
/// per replay instead of once per event, and each lot is decoded once. Written to the store at the end.
///
/// Only for a replay: the append path reads and writes the store itself, so a command rolled back
/// inside a batch leaves nothing behind.
final class ReplayCache {
    private var summaries: [String: RecipientSummary] = [:]
    private var lots: [UInt64: Lot] = [:]

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
    }

    /// Writes the summaries changed during the replay.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        for (id, summary) in summaries { try store.setSummary(txn, id, summary) }
        summaries = [:]
    }
}
