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
    /// Numbers for the recipients, campaigns, donors and items the chunk's effects on summaries name (and the records
    /// read ahead of it).
    let symbols = ReplaySymbols()
    /// The replaying side of `symbols`, held apart so that following it touches nothing the reading thread does.
    let texts: ReplaySymbols.Texts
    /// The summaries the chunk changed, with their recipients' numbers, the memory each held when taken but for its
    /// issued lines, and what it held when last put back.
    @exclusivity(unchecked) private var summaries: [(recipient: ReplaySymbols.Symbol, summary: RecipientSummary, rest: Int, bytes: Int)] = []
    /// About the memory the chunk's summaries hold (`RecipientSummary.heldBytes`), and the most they held at once
    /// in this replay.
    private(set) var summaryBytes = 0
    private(set) var summaryBytesPeak = 0
    /// Where each numbered recipient's summary is in `summaries` (-1: not in the chunk).
    @exclusivity(unchecked) private var slots: [Int32] = []
    /// Recipients (and people) entering or leaving the reach of a donor or campaign, by group: added to the running
    /// totals when the chunk ends, a handful of groups instead of five counters per recipient reached.
    @exclusivity(unchecked) private var reach: [ReachGroup: (recipients: Int64, people: Int64)] = [:]
    /// The same, by the numbers of the donor or campaign (`countReach(_:_:of:sign:)`).
    @exclusivity(unchecked) private var reachByNumber: [NumberedGroup: (recipients: Int64, people: Int64)] = [:]
    /// Recipients whose household's profile changed, to move between reach groups when the chunk ends (a change
    /// ends its chunk: see `Ledger.replay`).
    @exclusivity(unchecked) private var moves: [(recipient: String, from: RecipientRegistered.Attributes, to: RecipientRegistered.Attributes)] = []
    /// Numbers for the keys of the stock, cash, running totals and versions the chunk changes.
    let keys = ReplaySlots()
    /// The replaying side of `keys`: the values by number.
    let values: ReplaySlots.Values

    init() { (texts, values) = (symbols.texts, keys.values) }

    /// Recipients' summaries, entities' versions or counters held, whichever are more: what bounds a replay's chunk
    /// (a registration adds a version and its registry entries, an issuance to a recipient not yet in the chunk a
    /// summary, an intake a lot's stock and its entry).
    var held: Int { max(summaries.count, values.versions, values.counters) }

    /// The summary of the recipient numbered `recipient`, taken out of the cache so that changing it copies nothing;
    /// put it back with `putBack`. A recipient the chunk had not met gets its slot here, so putting the summary back
    /// looks nothing up.
    func takeSummary(_ recipient: ReplaySymbols.Symbol, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> RecipientSummary {
        let r = Int(recipient)
        if r >= slots.count { slots += repeatElement(-1, count: max(r + 1 - slots.count, slots.count)) }
        var summary = RecipientSummary()
        let slot = Int(slots[r])
        if slot >= 0 {
            swap(&summary, &summaries[slot].summary)
            return summary
        }
        summary = try store.summary(txn, texts.text(recipient))
        summary.reserveForEvents()
        let bytes = summary.heldBytes
        summaryBytes += bytes
        slots[r] = Int32(summaries.count)
        summaries.append((recipient, RecipientSummary(), bytes - summary.historyBytes, bytes))
        return summary
    }

    /// Puts the summary taken out back, leaving an empty one in `summary`: swapped, not copied.
    func putBack(_ recipient: ReplaySymbols.Symbol, _ summary: inout RecipientSummary) {
        let slot = Int(slots[Int(recipient)])
        // Only the issued lines grow with every event: counted from the array the event has just changed, so that
        // counting touches no memory the event did not (a replay waits on memory more than on anything else).
        let bytes = summaries[slot].rest + summary.historyBytes
        summaryBytes += bytes - summaries[slot].bytes
        summaryBytesPeak = max(summaryBytesPeak, summaryBytes)
        summaries[slot].bytes = bytes
        swap(&summaries[slot].summary, &summary)
    }

    /// Moves the recipient from the reach groups of `from` to those of `to` when the chunk ends.
    func move(_ recipient: String, from: RecipientRegistered.Attributes, to: RecipientRegistered.Attributes) {
        moves.append((recipient, from, to))
    }

    /// Counts the recipient numbered `recipient` into (`sign` 1) or out of (-1) the reach of the donor or campaign
    /// numbered `id`, by the numbers of both and the recipient's kind, category and area (hashed without a text; the
    /// groups are made when the chunk ends). - Returns: false when the reading thread handed over no attributes.
    func countReach(_ scope: RecipientSummary.Scope, _ id: ReplaySymbols.Symbol, of recipient: ReplaySymbols.Symbol, sign: Int64) -> Bool {
        guard let a = texts.attributes(recipient) else { return false }
        let group = NumberedGroup(scope: scope, id: id, kind: a.kind, category: a.category, area: a.area)
        ReplayCache.add(&reachByNumber[group, default: (0, 0)], sign, sign * a.householdSize)
        return true
    }

    /// A `ReachGroup` whose donor or campaign is a number.
    private struct NumberedGroup: Hashable {
        var scope: RecipientSummary.Scope
        var id: ReplaySymbols.Symbol
        var kind: RecipientKind
        var category: RecipientCategory
        var area: Area
    }

    func countReach(_ group: ReachGroup, recipients: Int64, people: Int64) {
        ReplayCache.add(&reach[group, default: (0, 0)], recipients, people)  // one look-up
    }

    private static func add(_ count: inout (recipients: Int64, people: Int64), _ recipients: Int64, _ people: Int64) {
        count.recipients += recipients
        count.people += people
    }

    /// Forgets every change (a scratch write that is run again starts from what its environment holds), keeping
    /// the memory for the next chunk.
    func clear() {
        forgetSummaries()
        // Numbered anew each chunk: the numbers take the memory of one chunk's texts, not the whole history's.
        symbols.forget()
        reach.removeAll(keepingCapacity: true)
        reachByNumber.removeAll(keepingCapacity: true)
        moves.removeAll()
        keys.forget()
    }

    /// Writes what changed during the chunk. The reading thread has stopped: the reach's running totals are numbered here.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        // In key order (the ids' bytes), appended when the store holds none yet: a replay's first chunk.
        let options = try txn.optionsForKeysInOrder(store.recipients)
        // Sorted as a `ByteTable` sorts its keys (sorting the ids' byte arrays cost five times more).
        var ids = ByteTable()
        for (i, entry) in summaries.enumerated() {
            var id = texts.text(entry.recipient)
            id.withUTF8 { ids.update(UnsafeRawBufferPointer($0)) { _ in Int64(i) } }
        }
        // Each summary is encoded through one writer and written under its id's bytes as the table holds them.
        var writer = ByteWriter(capacity: 4096)
        try ids.forEachSorted { id, i in
            let s = Int(i)
            guard !summaries[s].summary.isEmpty else { return try store.setSummary(txn, id: id, nil, options: options) }
            writer.removeAll()
            summaries[s].summary.encode(into: &writer)
            try writer.withBytes { try store.setSummary(txn, id: id, $0, options: options) }
        }
        for (g, count) in reachByNumber {
            countReach(ReachGroup(scope: g.scope, id: texts.text(g.id), kind: g.kind, category: g.category, area: g.area), recipients: count.recipients, people: count.people)
        }
        reachByNumber.removeAll(keepingCapacity: true)
        // Summaries are written: each moved recipient's holds every event before their change.
        for move in moves {
            for (scope, id) in try store.summary(txn, move.recipient).reached {
                for (a, sign) in [(move.from, Int64(-1)), (move.to, 1)] {
                    countReach(ReachGroup(scope: scope, id: id, kind: a.kind, category: a.category, area: a.area), recipients: sign, people: sign * a.householdSize)
                }
            }
        }
        moves.removeAll()
        for (group, count) in reach {
            try group.counters(recipients: count.recipients, people: count.people) { name, delta in
                _ = try values.add(keys.numbering.slot(.total, .total(name)), delta, from: store, txn)
            }
        }
        reach.removeAll(keepingCapacity: true)
        try values.flush(to: store, txn)
        forgetSummaries()
    }

    private func forgetSummaries() {
        for entry in summaries { slots[Int(entry.recipient)] = -1 }
        summaries.removeAll(keepingCapacity: true)
        summaryBytes = 0
    }
}
