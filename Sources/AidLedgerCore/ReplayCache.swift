import Foundation
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
    /// The summaries the chunk changed, where each event changes its recipient's (`summary(_:from:_:)`).
    let summaries: ReplaySummaries
    /// About the memory the chunk's summaries hold (`ReplaySummaries.heldBytes`), and the most they held at once
    /// in this replay.
    var summaryBytes: Int { summaries.heldBytes }
    private(set) var summaryBytesPeak = 0
    /// Whether the store held any summary when the chunk took its first (nil: not taken yet).
    private var storedSummaries: Bool?
    /// Where each numbered recipient's summary is in `summaries` (-1: not in the chunk).
    @exclusivity(unchecked) private var slots: [Int32] = []
    /// The summaries' slots by their recipients' ids: kept as each summary is taken, while the reading thread sets the
    /// pace, so that the chunk's flush only sorts them (made there, for 20,000 summaries, the other core waited about
    /// a millisecond to start encoding).
    @exclusivity(unchecked) private var ids = ByteTable()
    /// Recipients (and people) entering or leaving the reach of a donor or campaign, by group: added to the running
    /// totals when the chunk ends, a handful of groups instead of five counters per recipient reached.
    @exclusivity(unchecked) private var reach: [ReachGroup: (recipients: Int64, people: Int64)] = [:]
    /// The same, by the numbers of the donor or campaign and of the recipient's profile (`countReach(_:_:of:sign:)`):
    /// where each group's counts are in `reachCounts`.
    @exclusivity(unchecked) private var reachIndex = PairTable<Int>()
    @exclusivity(unchecked) private var reachCounts: [(scope: RecipientSummary.Scope, id: ReplaySymbols.Symbol, profile: Int32, recipients: Int64, people: Int64)] = []
    /// For each numbered recipient: the number of their kind, category and area among `profileKinds` (-2: not looked
    /// up yet, -1: no attributes handed over), and the people in their household. Looked up once per chunk.
    @exclusivity(unchecked) private var profiles: [(profile: Int32, people: Int64)] = []
    @exclusivity(unchecked) private var profileKinds: [(kind: RecipientKind, category: RecipientCategory, area: Area)] = []
    /// Recipients whose household's profile changed, to move between reach groups when the chunk ends (a change
    /// ends its chunk: see `Ledger.replay`).
    @exclusivity(unchecked) private var moves: [(recipient: String, from: RecipientRegistered.Attributes, to: RecipientRegistered.Attributes)] = []
    /// Registry, document and lot entries the chunk's records add, written in key order (`writeDeferred(to:)`).
    @exclusivity(unchecked) private var deferred = DeferredEntries()
    /// The steps of an issuance followed from its pieces that add to counters the chunk had not read yet
    /// (`ReplayedIssuance`), reused from record to record.
    @exclusivity(unchecked) var unreadSteps = FlatBuffer<EffectPlan.Step>(capacity: 64)
    /// Numbers for the keys of the stock, cash, running totals and versions the chunk changes.
    let keys = ReplaySlots()
    /// The replaying side of `keys`: the values by number.
    let values: ReplaySlots.Values

    init() { (texts, values, summaries) = (symbols.texts, keys.values, ReplaySummaries(symbols.texts)) }

    /// Recipients' summaries, entities' versions or counters held, whichever are more: what bounds a replay's chunk
    /// (a registration adds a version and its registry entries, an issuance to a recipient not yet in the chunk a
    /// summary, an intake a lot's stock and its entry).
    var held: Int { max(summaries.count, values.versions, values.counters) }

    /// Records of a batch the replaying thread asks ahead for the memory of: the summary's header this many records
    /// before the record that changes it, its lines half as many (`ReplaySummaries.prefetchHeader`, `prefetchLines`).
    static let lookahead = 8

    /// Asks the processor for the memory of the summaries that the records `lookahead` and half of it after the
    /// `index`th of `plan` change, when the chunk holds them already: an issuance's first touch of its recipient's
    /// goods was the replaying thread's largest wait on memory.
    @inline(__always)
    func prefetch(after index: Int, of plan: EffectPlan) {
        let far = index + ReplayCache.lookahead, near = index + ReplayCache.lookahead / 2
        if far < plan.count, let r = plan.recipient(of: far), let slot = heldSummary(r) { summaries.prefetchHeader(slot) }
        guard near < plan.count else { return }
        // An issuance's recipient, versions (its recipient's among them) and its campaign's count of issuances, from
        // its head, read once.
        guard let head = plan.head(of: near) else {
            if let r = plan.recipient(ofMarks: near), let slot = heldSummary(r) { summaries.prefetchLines(slot) }
            return
        }
        if let slot = heldSummary(head.n0) { summaries.prefetchLines(slot) }
        values.prefetch(head.n2)
        values.prefetch(head.n3)
        values.prefetch(head.n4)
        values.prefetch(head.n5)
    }

    /// The slot of the summary of the recipient numbered `recipient`, when the chunk holds it already.
    @inline(__always)
    func heldSummary(_ recipient: ReplaySymbols.Symbol) -> Int? {
        let r = Int(recipient)
        guard r < slots.count, slots[r] >= 0 else { return nil }
        return Int(slots[r])
    }

    /// The slot of the summary of the recipient numbered `recipient` in `summaries`, where each event changes it in
    /// place. A recipient the chunk had not met gets their slot here, with their stored summary, if any.
    func summary(_ recipient: ReplaySymbols.Symbol, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Int {
        if let held = heldSummary(recipient) { return held }
        let r = Int(recipient)
        if r >= slots.count { slots += repeatElement(-1, count: max(r + 1 - slots.count, slots.count)) }
        // A replay's first chunk starts from no summaries at all: none is looked for.
        if storedSummaries == nil { storedSummaries = try txn.count(store.recipients) > 0 }
        let slot =
            if storedSummaries == true, let bytes = try store.storedSummary(txn, texts.text(recipient)) {
                try summaries.add(recipient: recipient, decoding: bytes)
            } else {
                summaries.add(recipient: recipient)
            }
        slots[r] = Int32(slot)
        var id = texts.text(recipient)
        _ = id.withUTF8 { ids.update(UnsafeRawBufferPointer($0)) { _ in Int64(slot) } }
        return slot
    }

    /// Notes the memory the summaries hold after an event changed one.
    func changed() {
        summaryBytesPeak = max(summaryBytesPeak, summaries.heldBytes)
    }

    /// Keeps an entry of the registry, the documents index or the lots until the chunk ends or something reads them.
    func putLater(_ db: Database, _ key: [UInt8], _ value: [UInt8]) {
        key.withUnsafeBytes { k in value.withUnsafeBytes { v in deferred.put(db, k, v) } }
    }

    /// `putLater` of bytes held elsewhere (a plan's entries).
    func putLater(_ db: Database, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) { deferred.put(db, key, value) }

    /// Writes the entries kept by `putLater`, in key order: when the chunk ends, and before a record whose projection
    /// reads the registry or the documents index.
    func writeDeferred(to txn: borrowing some KeyValueStore & ~Copyable) throws { try deferred.write(to: txn) }

    /// Moves the recipient from the reach groups of `from` to those of `to` when the chunk ends.
    func move(_ recipient: String, from: RecipientRegistered.Attributes, to: RecipientRegistered.Attributes) {
        moves.append((recipient, from, to))
    }

    /// Counts the recipient numbered `recipient` into (`sign` 1) or out of (-1) the reach of the donor or campaign
    /// numbered `id`, by the numbers of both and of the recipient's kind, category and area (the groups' texts are made
    /// when the chunk ends). - Returns: false when the reading thread handed over no attributes.
    func countReach(_ scope: RecipientSummary.Scope, _ id: ReplaySymbols.Symbol, of recipient: ReplaySymbols.Symbol, sign: Int64) -> Bool {
        let r = Int(recipient)
        if r >= profiles.count { profiles += repeatElement((profile: Int32(-2), people: Int64(0)), count: max(r + 1 - profiles.count, profiles.count)) }
        if profiles[r].profile == -2 { profiles[r] = profile(of: recipient) }
        let (profile, people) = profiles[r]
        guard profile >= 0 else { return false }
        let key = (UInt64(scope.rawValue) << 32 | UInt64(UInt32(bitPattern: id)), UInt64(profile))
        if let i = reachIndex.find(key) {
            reachCounts[i].recipients += sign
            reachCounts[i].people += sign * people
        } else {
            reachIndex.insert(key, reachCounts.count)
            reachCounts.append((scope, id, profile, sign, sign * people))
        }
        return true
    }

    /// The number of the recipient's kind, category and area, and their household's size.
    private func profile(of recipient: ReplaySymbols.Symbol) -> (profile: Int32, people: Int64) {
        guard let a = texts.attributes(recipient) else { return (-1, 0) }
        if let i = profileKinds.firstIndex(where: { $0.kind == a.kind && $0.category == a.category && $0.area == a.area }) {
            return (Int32(i), a.householdSize)
        }
        profileKinds.append((a.kind, a.category, a.area))
        return (Int32(profileKinds.count - 1), a.householdSize)
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
        forgetNumberedReach()
        profiles.removeAll(keepingCapacity: true)
        moves.removeAll()
        deferred.removeAll()
        keys.forget()
    }

    /// Whether the chunk's flush reads recipients' summaries back from the store it wrote them to (for the reach of
    /// a household whose profile changed): then they are written there, not only compared (`flush(to:_:matching:)`).
    var readsSummariesBack: Bool { !moves.isEmpty }

    /// Writes what changed during the chunk. The reading thread has stopped: the reach's running totals are numbered
    /// here. The databases `matches` holds a comparison for are compared with the stored projections instead of
    /// written (a rebuild's only chunk: `Ledger.replay`).
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable, matching matches: [Database: KeyOrderMatch] = [:]) throws {
        // In key order (the ids' bytes), through one cursor (appended when the store holds none yet: a replay's
        // first chunk). Sorted as a `ByteTable` sorts its keys (sorting the ids' byte arrays cost five times more).
        summaries.names.rank()
        // Each summary is encoded through one writer and written under its id's bytes as the table holds them. For
        // many, some are encoded meanwhile on another core (`SummaryEncoding`), from the last one down, while this
        // thread writes the registry's, documents' and lots' entries, the counters and versions (unless a household
        // moved: their reach is counted from the summaries written), and then the summaries from the first one up.
        var order: [Int] = []
        order.reserveCapacity(summaries.count)
        ids.forEachSorted { _, i in order.append(Int(i)) }
        let elsewhere = order.count >= ReplayCache.encodedElsewhereFrom ? SummaryEncoding(summaries, order) : nil
        defer { elsewhere?.finish() }  // before anything may change or free the summaries
        try deferred.write(to: txn, matching: matches)
        // Written after the summaries, the counters and versions kept this thread busy alone once the other had
        // encoded its share.
        let countersFirst = moves.isEmpty
        if countersFirst { try flushCounters(to: store, txn, matching: matches) }
        var writer = ByteWriter(capacity: 4096)
        let encoder = SummaryEncoder(summaries.names)
        var written = 0
        try txn.writeInKeyOrder(store.recipients, matching: matches[store.recipients]) { w in
            try ids.forEachSorted { id, i in
                defer { written += 1 }
                // An empty summary has no entry.
                if let elsewhere, !elsewhere.claim(written) {
                    guard let bytes = elsewhere.bytes(written) else { return try w.delete(key: id) }
                    return try w.put(key: id, value: bytes)
                }
                writer.removeAll()
                guard encoder.encode(summaries.summary(Int(i)), into: &writer) else { return try w.delete(key: id) }
                try writer.withBytes { try w.put(key: id, value: $0) }
            }
        }
        if !countersFirst { try flushCounters(to: store, txn, matching: matches) }
        // The summaries stay until the next chunk clears them, or are freed with the cache after the last
        // (`release(_:)`): freeing them here kept the caller waiting.
    }

    /// Counts the chunk's reach and writes the counters and versions it changed (`flush`): after the summaries when a
    /// household moved, whose summary, as written, says where they were reached.
    private func flushCounters(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable, matching matches: [Database: KeyOrderMatch]) throws {
        for g in reachCounts {
            let p = profileKinds[Int(g.profile)]
            countReach(ReachGroup(scope: g.scope, id: texts.text(g.id), kind: p.kind, category: p.category, area: p.area), recipients: g.recipients, people: g.people)
        }
        forgetNumberedReach()
        // Each moved recipient's summary, written by now, holds every event before their change.
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
        try values.flush(to: store, txn, matching: matches)
    }

    /// Summaries a chunk holds from which some are encoded on another core when it ends: fewer are encoded sooner
    /// than a thread is handed the work.
    static let encodedElsewhereFrom = 2_000

    /// Lets go of a replay's cache on another core: freeing a chunk's summaries and tables (hundreds of thousands of
    /// small arrays) took a fifth of the time a rebuild spends after its last record. A rebuild lets go of it once its
    /// comparison is done (freeing meanwhile slowed the comparison down by half).
    static func release(_ cache: consuming ReplayCache) {
        let last = Released(cache)
        DispatchQueue.global(qos: .utility).async { last.drop() }
    }

    /// The one reference to a cache nothing else uses, handed to the thread that frees it.
    private final class Released: @unchecked Sendable {
        private var cache: ReplayCache?
        init(_ cache: consuming ReplayCache) { self.cache = cache }
        func drop() { cache = nil }
    }

    private func forgetSummaries() {
        storedSummaries = nil
        for i in 0..<summaries.count { slots[Int(summaries.summary(i).recipient)] = -1 }
        summaries.removeAll()
        ids.removeAll()
    }

    private func forgetNumberedReach() {
        reachIndex.removeAll()
        reachCounts.removeAll(keepingCapacity: true)
    }
}
