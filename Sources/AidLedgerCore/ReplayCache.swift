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
    /// Recipients (and people) entering or leaving the reach of a donor or campaign, by group: added to the running
    /// totals when the chunk ends, a handful of groups instead of five counters per recipient reached.
    @exclusivity(unchecked) private var reach: [ReachGroup: (recipients: Int64, people: Int64)] = [:]
    /// Stock, cash and running totals.
    let counters = CounterOverlay()
    /// Versions of the entities the chunk changed.
    let versions = VersionOverlay()

    /// Recipients' summaries, entities' versions or counters held, whichever are more: what bounds a replay's chunk
    /// (a registration adds a version and its registry entries, an issuance to a recipient not yet in the chunk a
    /// summary, an intake a lot's stock and its entry).
    var held: Int { max(summaries.count, versions.count, counters.count) }

    /// The recipient's summary, taken out of the cache so that changing it copies nothing; put it back with
    /// `putBack`. Its slot stays in the table, so putting it back looks nothing up.
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

    /// Puts the summary taken out back (or in, for a recipient the chunk had not met), leaving an empty one in
    /// `summary`: swapped, not copied.
    func putBack(_ id: String, _ summary: inout RecipientSummary) {
        if let taken, taken.id == id {
            swap(&summaries.values[taken.slot], &summary)
            self.taken = nil
        } else {
            swap(&summaries[id, default: RecipientSummary()], &summary)
        }
    }

    func countReach(_ group: ReachGroup, recipients: Int64, people: Int64) {
        ReplayCache.add(&reach[group, default: (0, 0)], recipients, people)  // one look-up
    }

    private static func add(_ count: inout (recipients: Int64, people: Int64), _ recipients: Int64, _ people: Int64) {
        count.recipients += recipients
        count.people += people
    }

    /// Keeps a registration's attributes as the replay projects it: counting the recipient's reach later reads
    /// nothing from the store.
    func registered(_ p: RecipientRegistered) {
        attributes[p.recipient] = RecipientRegistered.Attributes(p)
    }

    func attributes(_ id: String, from load: (String) throws -> RecipientRegistered.Attributes?) throws -> RecipientRegistered.Attributes? {
        if let known = attributes[id] { return known }
        let loaded = try load(id)
        attributes[id] = loaded
        return loaded
    }

    /// Recipients' attributes kept at most: beyond this many they are forgotten at the next chunk (about 60 bytes each).
    static let attributesKept = 1 << 20

    /// Forgets every change (a scratch write that is run again starts from what its environment holds), keeping
    /// the memory for the next chunk. Recipients' attributes are kept: they are written once, by the registration.
    func clear() {
        summaries.removeAll(keepingCapacity: true)
        taken = nil
        if attributes.count > ReplayCache.attributesKept { attributes = [:] }
        reach.removeAll(keepingCapacity: true)
        counters.clear()
        versions.clear()
    }

    /// Writes what changed during the chunk.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        // In key order (the ids' bytes), appended when the store holds none yet: a replay's first chunk.
        let options = try txn.optionsForKeysInOrder(store.recipients)
        // Sorted as a `ByteTable` sorts its keys (sorting the ids' byte arrays cost five times more).
        let ids = Array(summaries.keys)
        var keys = ByteTable()
        for (i, id) in ids.enumerated() {
            var id = id
            id.withUTF8 { keys.update(UnsafeRawBufferPointer($0)) { _ in Int64(i) } }
        }
        try keys.forEachSorted { _, i in
            let id = ids[Int(i)]
            try store.setSummary(txn, id, summaries[id]!, options: options)
        }
        for (group, count) in reach {
            try group.counters(recipients: count.recipients, people: count.people) { name, delta in
                _ = try counters.add(store.totals, .total(name), delta, from: store, txn)
            }
        }
        reach.removeAll(keepingCapacity: true)
        try counters.flush(to: store, txn)
        try versions.flush(to: store, txn)
        summaries.removeAll(keepingCapacity: true)
        taken = nil
    }
}
