import LMDBStore

/// What a rebuild did.
public struct RebuildReport: Sendable {
    public var events: UInt64
    /// Entries in the projections.
    public var entries: Int
    /// Stored entries that differed from the log's replay and were written or removed.
    public var mended: Int
    /// The most memory the replay held at once in recipients' summaries (about; bounded by the ledger's `replayMemory`).
    public var heldBytes: Int
}

extension Ledger {
    /// Projection entries compared per step of a rebuild or a check.
    var compareChunk: Int { max(1, replayChunk / 5) }

    /// Events a replay projects between commits at most, however few recipients they touch: a bound on what the
    /// scratch environment's write transaction holds.
    var chunkEvents: Int { replayChunk * 20 }

    /// Recipients' summaries, entities' versions or counters a replay holds decoded before it commits its chunk (about
    /// 2.3 KB each, with their numbers and versions). A household's summary is decoded and encoded once per chunk that
    /// meets it: a distribution round visits every household once, so a ledger of up to this many households replays
    /// each summary once per chunk of many rounds, and a larger one once per event (docs/PERFORMANCE.md, "Stop 20").
    var chunkHeld: Int { replayChunk * 2 }

    /// A replay of a ledger with at most this many registered entities (households, sites, campaigns, donors, items)
    /// replays the whole log in one step (an as-of question's up to its point, cut only at milestones), however many
    /// events it holds, up to `wholeHeld` summaries, versions or counters (and `replayMemory` bytes of summaries): each
    /// summary is then decoded and encoded once, not once per chunk, and a rebuild's compared with the stored
    /// projections as the step ends, never written to the scratch environment and read back. Two million events of
    /// 200,000 households rebuilt about 2.8 times as fast so, in about 550 MiB instead of 290 (docs/PERFORMANCE.md,
    /// "Stop 28"); their books at the head, asked afresh, about twice as fast, in about 510 MiB instead of 270 ("Stop
    /// 29"). A larger ledger replays in steps of `chunkHeld`: held all at once, a million households' summaries would
    /// not fit the memory a replay is given, and in larger steps they replayed no faster.
    var wholeRegistered: Int { replayChunk * 5 }
    var wholeHeld: Int { replayChunk * 6 }

    /// What a replay done in one chunk does with the stored projections it compares as it flushes (`replay`).
    enum Comparison {
        /// A check's: keeps the first `n` differences of each database.
        case keeping(Int)
        /// A rebuild's, whose reading transaction is its write transaction: mends each difference where it finds it,
        /// so none is held in memory, however many there are (projections wiped or from an older layout).
        case mending
    }

    /// How a replay reads the log for each chunk: in the caller's transaction (a rebuild, inside the writer's), or
    /// in a read transaction of its own per chunk (an as-of question), so that a long replay holds no snapshot that
    /// keeps the writer from reusing pages. The log is append-only: the chunks read the same history either way.
    typealias LogReading = ((borrowing Transaction) throws -> Void) throws -> Void

    /// Replays the log from the first record up to `point` into a scratch LMDB environment, with the same projection
    /// code as the append path, committing whenever the chunk has changed `chunkHeld` recipients' summaries or
    /// entities' versions, its summaries hold `replayMemory` bytes (households with long histories hold more each), or
    /// it has projected `chunkEvents` events, so memory stays bounded whatever the length. A ledger
    /// with fewer recipients than that replays in few steps: each summary is then decoded and written once or twice,
    /// not once per distribution round.
    /// With `base`, the replay starts from a copy of that earlier replay and reads only the records after it. With
    /// `milestones`, it keeps a copy of its projections at each multiple of `milestoneEvery` it passes.
    /// The `cache` holds the last chunk's summaries and tables when the replay returns: a caller with more to do
    /// lets go of it on another core afterwards (`ReplayCache.release`).
    /// With `comparing`, a replay done in one chunk compares what it would write with the projections the reading
    /// transaction holds as it flushes them, for each database it has not written yet, instead of writing them to
    /// the scratch environment and reading them back (`ReplayedState.matched`): a rebuild's, which mends each
    /// difference where it finds it, or a check's, which keeps the first few of each database's.
    func replay(
        to point: AsOf, from base: ReplayedState? = nil, milestones: Bool = false, progress: ((UInt64) -> Void)? = nil, cache: ReplayCache = ReplayCache(),
        comparing: Comparison? = nil, reading: LogReading
    ) throws -> ReplayedState {
        let state = try ReplayedState(in: directory, like: env, mapSize: env.mapSize, continuing: base)
        var finished = false
        while !finished {
            let from = state.last + 1
            // A chunk ends at the next milestone, so the scratch environment holds exactly the books there.
            let milestone = milestones && milestonesKept > 0 ? (state.last / milestoneEvery + 1) * milestoneEvery : UInt64.max
            var last = state.last
            var reachedEnd = true
            var milestoneHash: [UInt8]? = nil
            try reading { txn in
                // A write that fills the scratch map is run again after the map grows: each run starts from its last commit.
                // The chunk ends at the head this transaction sees, the point's position, the milestone, after
                // `chunkEvents` records, or once it holds `chunkHeld` summaries or versions; its records are read and
                // decoded on another core while these are projected.
                let head = try store.head(txn).position
                let limit: UInt64 = if case .position(let p) = point { p } else { .max }
                // The whole log (up to the point or the milestone) at once, when the ledger's entities fit (`wholeRegistered`).
                let whole = try txn.count(store.registry) <= wholeRegistered
                let end = min(head, limit, whole ? head : from + UInt64(chunkEvents) - 1, milestone)
                let heldLimit = whole ? wholeHeld : chunkHeld
                // Differences a run cut short by the scratch map's growth had mended already: the next run finds them sound.
                var mendedEarlier: [Database: Int] = [:]
                (last, reachedEnd) = try state.env.write { scratch -> (UInt64, Bool) in
                    cache.clear()
                    var last = from - 1
                    var full = false
                    let records = LogPrefetch(env, store, symbols: cache.symbols.numbering, slots: cache.keys.numbering, from: from, through: end)
                    defer { records.stop() }
                    chunk: while let batch = try records.next() {
                        for index in 0..<batch.plan.count {
                            cache.prefetch(after: index, of: batch.plan)
                            // A day's end lies inside the chunk: the history ends at the first record after it.
                            let planned = batch.plan.records[index]
                            let position = planned.position
                            guard point.includes(position, recordedAt: planned.recordedAt) else { break chunk }
                            var ends = false
                            if planned.onlySteps {
                                try projectSteps(of: batch.plan, index, at: position, in: scratch, cache: cache)
                            } else {
                                // Borrowed where it lies, not copied out of the batch.
                                let r = Int(planned.decoded)
                                try project(batch.records[r], in: scratch, log: txn, cache: cache, planned: (batch.plan, index))
                                ends = Ledger.endsChunk(batch.records[r])
                            }
                            last = position
                            // A recipient's new profile holds for the events after it: they are numbered anew, with it,
                            // in the next chunk (the reading thread has stopped after this record).
                            if ends && last < end {
                                full = true
                                break chunk
                            }
                            if last % 100_000 == 0 { progress?(last) }
                            if (cache.held >= heldLimit || cache.summaryBytes >= replayMemory) && last < end {
                                full = true
                                break chunk
                            }
                        }
                        records.recycle(batch)
                    }
                    records.stop()  // the reading thread has ended: the chunk's flush numbers keys too
                    // The history goes on after the chunk when the chunk was cut by its size or a milestone.
                    let reachedEnd = !full && (last < end || end == head || end == limit)
                    // The only chunk of a replay from the first record: what it flushes into a database still empty
                    // here is what the replay gives for it, compared as it goes.
                    var matches: [Database: KeyOrderMatch] = [:]
                    if let comparing, base == nil && from == 1 && reachedEnd {
                        for name in LedgerStore.projectionNames {
                            let db = env.database(name)
                            guard try scratch.count(db) == 0, db != store.recipients || !cache.readsSummariesBack else { continue }
                            matches[db] = switch comparing {
                            case .keeping(let kept): try txn.match(db, keeping: kept)
                            case .mending: try txn.match(db, mending: true)
                            }
                        }
                    }
                    do {
                        try cache.flush(to: store, scratch, matching: matches)
                    } catch {
                        for (db, match) in matches { mendedEarlier[db, default: 0] += match.mended }
                        throw error
                    }
                    state.matched = [:]
                    for (db, match) in matches {
                        state.matched[db.name] = (try match.finish(), match.entries, match.mended + mendedEarlier[db, default: 0])
                    }
                    return (last, reachedEnd)
                }
                if last == milestone { milestoneHash = try store.record(txn, at: last)?.hash }
            }
            state.last = last
            state.summaryBytesPeak = cache.summaryBytesPeak
            finished = reachedEnd
            if let milestoneHash { try state.keepMilestone(lastHash: milestoneHash, in: directory, keeping: milestonesKept) }
        }
        return state
    }

    /// Whether a replay's chunk ends with `record`: a change of a household's size, category or area, after which its
    /// events count with the new ones (each chunk numbers a recipient once, with their attributes then).
    static func endsChunk(_ record: borrowing EventRecord) -> Bool {
        if case .recipientUpdated(let u) = record.event { return u.profile?.movesReach == true }
        return false
    }

    /// Runs `body` on the projections as they stood at `point`: the stored ones at the head, otherwise a replay of
    /// the log. A point whose history can no longer change (a position already written, a day that has ended in Kyiv)
    /// is kept, in the process and on disk (`DATA/asof-…`), so an auditor browsing the books as of that point replays
    /// the log once, not on every page or every command.
    func atPoint<R>(_ point: AsOf, _ body: (borrowing Transaction) throws -> R) throws(LedgerError) -> R {
        do {
            guard let state = try replayed(at: point) else { return try read(body) }
            return try state.env.read(body)
        } catch {
            throw Ledger.storageError(error, lost: "the books of that point are replayed in the data directory and need room there")
        }
    }

    /// `atPoint` for the books of one entity: one unknown at `point` but registered since is named as registered
    /// later, not as missing (whose message says to register it: wrong advice for an auditor looking back).
    func atPoint<R>(_ point: AsOf, of kind: LedgerStore.Kind, _ id: String, _ body: (borrowing Transaction) throws -> R) throws(LedgerError) -> R {
        do {
            return try atPoint(point, body)
        } catch {
            let unknown: [LedgerStore.Kind: (LedgerError.Code, String)] = [
                .donor: (.unknownDonor, "donor"), .site: (.unknownSite, "site"), .campaign: (.unknownCampaign, "campaign"), .recipient: (.unknownRecipient, "recipient"),
            ]
            guard point != .head, let (code, noun) = unknown[kind], code == error.code,
                (try? read({ txn in try txn.get(store.registry, kind.key(id)) != nil })) == true
            else { throw error }
            throw LedgerError(code, "\(noun) \(Identifier.printable(id)) was not registered yet \(point.phrase); it was registered later")
        }
    }

    /// Refuses a position the log has not reached: an answer there would be today's books under another number.
    static func checkReached(_ point: AsOf, head: UInt64) throws(LedgerError) {
        if case .position(let p) = point, p > head {
            throw LedgerError(.unknownEvent, "the log ends at #\(head): there is no position #\(p) yet")
        }
    }

    /// The replay of the books at `point` (nil at the head), kept or made now.
    private func replayed(at point: AsOf) throws -> ReplayedState? {
        guard point != .head else { return nil }
        let head = try read { txn in try store.head(txn) }
        try Ledger.checkReached(point, head: head.position)
        let settled: Bool = switch point {
        case .head: false
        case .position(let p): p <= head.position
        case .endOfDay(let d): d.endInKyivMicros < clock()
        }
        let reading: LogReading = { chunk in try self.read(chunk) }
        guard settled else { return try replay(to: point, reading: reading) }
        // One settled point at a time in the process: LMDB opens each kept replay once per process.
        settling.lock()
        defer { settling.unlock() }
        if let kept = pastStates.withLock({ $0[point] }) { return kept }
        // Kept on disk by an earlier process, or replayed now (from the latest kept point before it) and kept.
        let kept = try read { txn in ReplayedState.openKept(in: directory, point: point, like: env, hash: { try self.store.record(txn, at: $0)?.hash }) }
        if let kept {
            pastStates.withLock { $0 = [point: kept] }
            return kept
        }
        let base = try read { txn in try latestKept(before: point, in: txn) }
        let state = try replay(to: point, from: base, milestones: true, reading: reading)
        let lastHash = state.last == 0 ? EventRecord.genesisHash : try read { txn in try store.record(txn, at: state.last)?.hash } ?? []
        try state.keep(as: point, lastHash: lastHash, in: directory)
        pastStates.withLock { $0 = [point: state] }  // one point at a time in the process
        return state
    }

    /// The kept replay (in the process or on disk) that ends latest while still inside `point`'s history, if any:
    /// an auditor moving forward through month-ends replays each month once.
    private func latestKept(before point: AsOf, in txn: borrowing Transaction) throws -> ReplayedState? {
        func inside(_ state: ReplayedState) throws -> Bool {
            guard state.last > 0, let record = try store.record(txn, at: state.last) else { return false }
            return point.includes(state.last, recordedAt: record.recordedAt)
        }
        let current = pastStates.withLock { $0.first }
        func hash(_ position: UInt64) throws -> [UInt8]? { try store.record(txn, at: position)?.hash }
        var best: ReplayedState? = nil
        if let current, try inside(current.value) { best = current.value }
        for other in ReplayedState.keptPoints(in: directory) where other != point && other != current?.key {
            guard let kept = ReplayedState.openKept(in: directory, point: other, like: env, hash: hash), try inside(kept), kept.last > best?.last ?? 0
            else { continue }
            best = kept
        }
        // The latest milestone inside the point's history, when it ends later than any kept point.
        for position in ReplayedState.milestones(in: directory).sorted(by: >) where position > best?.last ?? 0 {
            guard let record = try store.record(txn, at: position), point.includes(position, recordedAt: record.recordedAt) else { continue }
            // The milestone's last record, just read, is the one it is checked against.
            guard let milestone = ReplayedState.openMilestone(in: directory, at: position, like: env, hash: { $0 == position ? record.hash : try hash($0) })
            else { continue }
            best = milestone
            break
        }
        return best
    }

    /// Recomputes every projection from the log and mends the stored ones to match, in one write transaction:
    /// only entries that differ are written, so a rebuild of sound projections writes nothing, and an
    /// interrupted rebuild leaves the previous projections in place.
    @available(*, noasync)
    public func rebuild(progress: ((UInt64, UInt64) -> Void)? = nil) throws(LedgerError) -> RebuildReport {
        do {
            return try writer.performAndWait {
                try env.write { txn in try mend(in: txn, progress: progress, comparingAlongside: true) }
            }
        } catch {
            throw Ledger.storageError(error, lost: "the rebuild was not saved and the projections are as they were")
        }
    }

    /// Replays the log and writes the entries of the stored projections that differ from it: a replay done in one
    /// step mends them as it flushes (`Comparison.mending`), a longer one after its last chunk.
    ///
    /// `comparingAlongside`: the transaction had changed none of the stored projections before (a rebuild's), so where
    /// the replay did not compare the recipients' summaries as it flushed (it changed none of them then), a read
    /// transaction sees them as it does: they, half of what is compared, are compared on another core meanwhile, and
    /// compared again here only when they differ somewhere (then to be mended).
    private func mend(in txn: borrowing Transaction, progress: ((UInt64, UInt64) -> Void)?, comparingAlongside: Bool = false) throws -> RebuildReport {
        let total = try store.head(txn).position
        let cache = ReplayCache()
        let state = try replay(to: .head, progress: { progress?($0, total) }, cache: cache, comparing: .mending) { chunk in try chunk(txn) }
        var report = RebuildReport(events: state.last, entries: 0, mended: 0, heldBytes: state.summaryBytesPeak)
        let apart = "recipients"
        let elsewhere = comparingAlongside && state.matched[apart] == nil ? Alongside { [self] in
            try env.read { stored in
                var (entries, sound) = (0, true)
                try compare(env.database(apart), stored: stored, replayed: state, limit: 1) { differences, n, _ in
                    entries += n
                    sound = sound && differences.isEmpty
                }
                return (entries: entries, sound: sound)
            }
        } : nil
        defer { _ = try? elsewhere?.value() }  // before the replayed state is closed, on every path
        // The summaries last: meanwhile they are compared elsewhere.
        for name in LedgerStore.projectionNames.filter({ $0 != apart }) + [apart] {
            if name == apart, let elsewhere, case let (entries, sound) = try elsewhere.value(), sound {
                report.entries += entries
                continue
            }
            // Mended as they were compared, during the replay's flush or now.
            if let (_, entries, mended) = state.matched[name] {
                report.entries += entries
                report.mended += mended
            } else {
                try compare(env.database(name), stored: txn, replayed: state, limit: .max, mending: true) { _, entries, mended in
                    report.entries += entries
                    report.mended += mended
                }
            }
        }
        // Freed once the comparison is done: freeing it meanwhile slowed the comparison down by half.
        ReplayCache.release(consume cache)
        progress?(state.last, total)
        return report
    }

    /// The layout of what the ledger keeps beside the log. A ledger written under an older one is brought up to date
    /// when it is opened: layout 2 keeps one summary per recipient (the projections are rebuilt and the retired
    /// `history` database deleted); layout 3 keeps shorter command entries in `command-index` (the `commands`
    /// database is carried over entry by entry and deleted); layout 4 keys the documents index by 16 bytes (the
    /// projections are rebuilt).
    static let layout: UInt64 = 4

    func upgradeLayoutIfNeeded(notice: ((String) -> Void)? = nil) throws(LedgerError) {
        let key = Array("layout".utf8)
        let current = try read { txn in try txn.get(store.meta, key).map { LedgerStore.readBE64($0) } ?? 0 }
        guard current < Ledger.layout else { return }
        do {
            try writer.performAndWait {
                try env.write { txn in
                    let current = try txn.get(store.meta, key).map { LedgerStore.readBE64($0) } ?? 0
                    guard current < Ledger.layout else { return }
                    let events = try store.head(txn).position
                    if events > 0 {
                        notice?("this ledger was written by an older version: bringing its \(events) events' projections up to date (once; about a minute per five million events)")
                    }
                    if current < 2 { try txn.dropDatabase(named: "history") }
                    if current < 3 { try carryOverCommands(in: txn) }
                    if current < 4, events > 0 { _ = try mend(in: txn, progress: nil) }
                    try txn.put(store.meta, key, LedgerStore.be64(Ledger.layout))
                }
            }
        } catch {
            throw Ledger.storageError(error, lost: "the ledger was not brought up to date and is as it was")
        }
    }

    /// Moves the entries of the older `commands` database into the command index, a chunk at a time so that memory
    /// stays small, then deletes it.
    private func carryOverCommands(in txn: borrowing Transaction) throws {
        guard let old = try txn.existingDatabase(named: "commands") else { return }
        var from: [UInt8]? = nil
        while true {
            var chunk: [(id: String, entry: CommandEntry)] = []
            try txn.forEach(old, from: from) { k, v in
                chunk.append((String(decoding: k, as: UTF8.self), try CommandEntry(decodingLegacy: Array(v))))
                return chunk.count < 10_000
            }
            for (id, entry) in chunk { try store.setCommand(txn, id, entry) }
            guard chunk.count == 10_000, let last = chunk.last else { break }
            from = Array(last.id.utf8) + [0]
        }
        try txn.dropDatabase(named: "commands")
    }

    /// Compares the stored projections entry by entry with a fresh replay of the log.
    /// - Returns: the differences, in words (empty when they agree).
    public func projectionDifferences(limit: Int = 20) throws(LedgerError) -> [String] {
        try read { txn in
            let cache = ReplayCache()
            let state = try replay(to: .head, cache: cache, comparing: .keeping(limit)) { chunk in try chunk(txn) }
            var out: [String] = []
            for name in LedgerStore.projectionNames where out.count < limit {
                func describe(_ differences: some Collection<ProjectionDifference>) {
                    for difference in differences {
                        switch difference {
                        case .missing(let key, _): out.append("\(name): entry \(Ledger.describe(key)) is missing from the stored projection")
                        case .unbacked(let key): out.append("\(name): entry \(Ledger.describe(key)) is not backed by the log")
                        case .differs(let key, let stored, let expected):
                            out.append("\(name): entry \(Ledger.describe(key)) holds \(stored.hexString) but the log gives \(expected.hexString)")
                        }
                    }
                }
                if let (differences, _, _) = state.matched[name] {
                    describe(differences.prefix(limit - out.count))
                } else {
                    try compare(env.database(name), stored: txn, replayed: state, limit: limit - out.count) { differences, _, _ in describe(differences) }
                }
            }
            ReplayCache.release(consume cache)
            return out
        }
    }

    /// How a stored projection entry differs from the log's replay.
    typealias ProjectionDifference = KeyOrderMatch.Difference

    /// Walks `db` as stored beside the same database in the replay, both in key order, a chunk of replayed entries at a
    /// time, and hands each chunk's differences (and how many replayed entries it covered) to `handle`; `mending` (a
    /// write transaction's), it mends each where it finds it (`KeyOrderMatch`) and hands over how many instead. Stops
    /// after `limit` differences kept.
    private func compare(
        _ db: Database, stored txn: borrowing Transaction, replayed state: ReplayedState, limit: Int, mending: Bool = false,
        _ handle: (_ differences: [ProjectionDifference], _ entries: Int, _ mended: Int) throws -> Void
    ) throws {
        var from: [UInt8]? = nil
        var found = 0
        var expected = EntryRun()
        while found < limit {
            expected.removeAll()
            try state.env.read { replayed in
                try replayed.forEach(db, from: from) { k, v in
                    expected.append(k, v)
                    return expected.count < compareChunk
                }
            }
            // The chunk covers stored keys from `from` up to its last key, or to the end when it is the last chunk.
            let last = expected.count == compareChunk ? expected.withEntries { Array($0.key(expected.count - 1)) } : nil
            let match = try txn.match(db, from: from, through: last, keeping: limit - found, mending: mending)
            try expected.withEntries { entries in
                for i in 0..<expected.count { try match.expect(key: entries.key(i), value: entries.value(i)) }
            }
            let differences = try match.finish()
            found += differences.count
            try handle(differences, expected.count, match.mended)
            guard let last else { return }
            from = last + [0]  // the key right after `last` in LMDB's order
        }
    }

    /// A projection key as readable text: printable parts joined by "/", other bytes in hex.
    static func describe(_ key: [UInt8]) -> String {
        key.split(separator: 0, omittingEmptySubsequences: false).map { part in
            part.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? String(decoding: part, as: UTF8.self) : "0x" + part.hexString
        }.joined(separator: "/")
    }
}
