import LMDBStore

/// Decoded projection entries a replay keeps while it runs: each recipient's summary is decoded and encoded once
/// per chunk instead of once per event, and the running totals, stock, cash and versions
/// kept as numbers (`CounterOverlay`, `VersionOverlay`). Written to the store at the end of each chunk.
///
/// Only for a replay: the append path reads and writes the store itself (but for a batch's running totals and
/// versions, see `BatchOverlay`), so a command rolled back inside a batch leaves nothing behind. One replay on one thread uses
/// it and its accesses never overlap, so the runtime's exclusivity checks on its dictionaries (a tenth of a
/// replay's time) are switched off.
final class ReplayCache {
    @exclusivity(unchecked) private var summaries: [String: RecipientSummary] = [:]
    /// The summary taken out last, and its slot (which holds an empty summary until it is put back).
    @exclusivity(unchecked) private var taken: (id: String, slot: Dictionary<String, RecipientSummary>.Index)?
    /// Recipients' kind, household, category and area, for counting reach: registered once, never changed.
    @exclusivity(unchecked) private var attributes: [String: RecipientRegistered.Attributes] = [:]
    /// Stock, cash and running totals.
    let counters = CounterOverlay()
    /// Versions of the entities the chunk changed.
    let versions = VersionOverlay()

    /// Recipients' summaries or entities' versions held, whichever are more: what bounds a replay's chunk (a
    /// registration adds a version and its registry entries, an issuance to a recipient not yet in the chunk a summary).
    var held: Int { max(summaries.count, versions.count) }

    /// The recipient's summary, taken out of the cache so that changing it copies nothing; put it back with
    /// `setSummary`. Its slot stays in the table, so putting it back looks nothing up.
    func takeSummary(_ id: String, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> RecipientSummary {
        var summary = RecipientSummary()
        if let slot = summaries.index(forKey: id) {
            swap(&summary, &summaries.values[slot])
            taken = (id, slot)
            return summary
        }
        taken = nil
        return try store.summary(txn, id)
    }

    func setSummary(_ id: String, _ summary: RecipientSummary) {
        if let taken, taken.id == id {
            summaries.values[taken.slot] = summary
            self.taken = nil
        } else {
            summaries[id] = summary
        }
    }

    func attributes(_ id: String, from load: (String) throws -> RecipientRegistered.Attributes?) throws -> RecipientRegistered.Attributes? {
        if let known = attributes[id] { return known }
        let loaded = try load(id)
        attributes[id] = loaded
        return loaded
    }

    /// Forgets everything (a scratch write that is run again starts from what its environment holds).
    func clear() {
        summaries = [:]
        taken = nil
        attributes = [:]
        counters.clear()
        versions.clear()
    }

    /// Writes what changed during the chunk.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        for (id, summary) in summaries { try store.setSummary(txn, id, summary) }
        try counters.flush(to: store, txn)
        try versions.flush(to: store, txn)
        summaries = [:]
        taken = nil
    }
}
