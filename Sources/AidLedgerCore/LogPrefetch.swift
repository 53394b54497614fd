import Foundation
import LMDBStore

/// Reads and decodes a stretch of the log on another core, a batch of records at a time, and works out their effects
/// (`EffectPlan`; an issuance's straight from its stored bytes, `IssuanceReading`), while the caller projects the
/// records before them: a replay's decoding and the working out of what each event changes run beside its projecting.
/// The lots the draws name and the events voids name are read from the log itself. Batches the caller is done with come back (`recycle`) to be freed on this thread too.
///
/// The records come from a read transaction of its own. The log is append-only and every position up to the last
/// one asked for is already written, so they are the records the caller's own transaction holds.
final class LogPrefetch: @unchecked Sendable {  // the state below is shared under `condition`
    /// Records decoded per hand-over, and hand-overs decoded ahead at most.
    static let batchSize = 512
    static let depth = 4
    /// Records the walk of the log is ahead of their reading (`RecordEnvelope.ahead`, `ShortKeyTable.prefetch`).
    static let lookahead = 4

    /// Records met by the walk of the log and not read yet, in position order: their keys and bytes, where the read
    /// transaction's map holds them, and their envelopes when read ahead (read once, not again by their reading). A
    /// ring of eight places (a power of two: a place is found by a mask, not a division): an array's removal of its
    /// first moved the others, for every record.
    private struct Lookahead: ~Copyable {
        typealias Entry = (key: UnsafeRawBufferPointer, stored: UnsafeRawBufferPointer, envelope: RecordEnvelope.Ahead?)
        private static let places = 8
        private let entries = UnsafeMutablePointer<Entry>.allocate(capacity: Lookahead.places)
        private var first = 0
        private(set) var count = 0

        deinit { entries.deallocate() }

        @inline(__always)
        mutating func append(_ entry: Entry) {
            precondition(count < Lookahead.places, "no more records waiting than the ring holds")
            (entries + ((first + count) & (Lookahead.places - 1))).initialize(to: entry)
            count += 1
        }

        @inline(__always)
        mutating func removeFirst() -> Entry {
            let entry = entries[first]
            (first, count) = ((first + 1) & (Lookahead.places - 1), count - 1)
            return entry
        }

        /// Forgets the records waiting.
        mutating func removeAll() { count = 0 }

        /// The first record's key, if one is waiting.
        var firstKey: UnsafeRawBufferPointer? { count > 0 ? entries[first].key : nil }
    }

    private let condition = NSCondition()
    /// Records and their effects: where each lies and when it was recorded are in its plan's (`EffectPlan.Record`).
    struct Batch {
        /// The records decoded (every one but an issuance, a grant, a registration or an intake of cash, read straight into the plan), in
        /// their order; the plan says where each position's is among them.
        var records: [EventRecord] = []
        var plan = EffectPlan(records: LogPrefetch.batchSize)

        init() { records.reserveCapacity(LogPrefetch.batchSize) }

        /// Empties the batch for another hand-over, keeping its memory.
        mutating func removeAll() {
            records.removeAll(keepingCapacity: true)
            plan.removeAll()
        }
    }

    private var ready: [Batch] = []
    /// Batches the caller has projected, emptied and used again by the reading thread.
    private var spent: [Batch] = []
    private var done = false
    private var failure: (any Error)?
    private var stopped = false

    /// Starts decoding the records from `first` through `last` of `store`'s log in `env`, numbering the texts of
    /// their effects on summaries in `symbols` and the keys of the others in `slots`.
    init(
        _ env: Environment, _ store: LedgerStore, symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering, from first: UInt64, through last: UInt64
    ) {
        guard first <= last else {
            done = true
            return
        }
        DispatchQueue.global().async { [self] in
            var failed: (any Error)?
            do {
                try env.read { txn in
                    // The lots drawn from, each read once from its intake.
                    var lots: [UInt64: Lot] = [:]
                    var batch = Batch()
                    let issuances = IssuanceReading(symbols: symbols, slots: slots)
                    let grants = GrantReading(symbols: symbols, slots: slots)
                    let registrations = RegistrationReading(symbols: symbols, slots: slots)
                    let intakes = CashIntakeReading(symbols: symbols, slots: slots)
                    // Each record read where the map holds it (the transaction keeps it there), not copied out, and
                    // `lookahead` records after the walk has met it: the walk asks for its recipient's number to be
                    // brought into the cache meanwhile.
                    var ahead = Lookahead()
                    try txn.forEach(store.log, from: LedgerStore.be64(first), readingAhead: true) { key, stored in
                        let met = LedgerStore.readBE64(key)
                        guard met <= last else { return false }
                        let envelope = RecordEnvelope.ahead(stored)
                        if let envelope { symbols.prefetch(recipient: UnsafeRawBufferPointer(rebasing: stored[envelope.recipient])) }
                        ahead.append((key, stored, envelope))
                        // The last record is read with those before it that are still waiting.
                        while ahead.count > (met == last ? 0 : LogPrefetch.lookahead) {
                            let (key, stored, envelope) = ahead.removeFirst()
                            let position = LedgerStore.readBE64(key)
                            // The batch's plan for this record without a count taken on it for every record: `batch` is
                            // only replaced after the record (below), and holds the plan until then.
                            let ends = try Unmanaged.passUnretained(batch.plan)._withUnsafeGuaranteedRef { plan -> Bool in
                                var ends = false
                                var read: Int64?
                                do {
                                    // (Closures written out at each call: one kept in a constant, capturing the borrowed
                                    // transaction, crashes this compiler.)
                                    read = try issuances.add(stored, ahead: envelope, at: position, to: plan, lot: { try LogPrefetch.lot($0, &lots, store, txn) }) {
                                        try store.recipientAttributes(txn, $0, at: position)
                                    }
                                    if read == nil {
                                        read = try grants.add(stored, ahead: envelope, to: plan, lot: { try LogPrefetch.lot($0, &lots, store, txn) }) {
                                            try store.recipientAttributes(txn, $0, at: position)
                                        }
                                    }
                                    if read == nil { read = try registrations.add(stored, ahead: envelope, to: plan) }
                                    // (Not one of the kinds read ahead: `envelope` is nil.)
                                    if read == nil, envelope == nil { read = try intakes.add(stored, at: position, to: plan, keeping: &lots) }
                                } catch is DecodeError {
                                    throw LedgerStore.unreadable(position)  // as a decoded record that cannot be read
                                }
                                if let recordedAt = read {
                                    plan.placeLast(at: position, recordedAt: recordedAt, decoded: -1)
                                } else {
                                    let record = try LedgerStore.logRecord(key, stored, envelope: false)
                                    // An intake's lot kept as it passes: the draws on it later in the chunk do not read and
                                    // decode it from the log again (`lot(_:_:_:_:)`).
                                    if let lot = Lot(intake: record) { lots[position] = lot }
                                    try plan.add(record, symbols: symbols, slots: slots, lot: { try LogPrefetch.lot($0, &lots, store, txn) }) { try store.recipientAttributes(txn, $0, at: position) } target: {
                                        try store.voidTarget(of: $0, at: position, in: txn)
                                    }
                                    // A household's new profile ends the chunk: the records after it are read by the next one.
                                    ends = Ledger.endsChunk(record)
                                    plan.placeLast(at: position, recordedAt: record.recordedAt, decoded: Int32(batch.records.count))
                                    batch.records.append(consume record)  // moved into the batch, not copied
                                }
                                return ends
                            }
                            guard batch.plan.count == LogPrefetch.batchSize || position == last || ends else { continue }
                            let handed: Bool
                            (handed, batch) = hand(over: batch)
                            guard handed && position < last && !ends else {
                                ahead.removeAll()  // read by the next chunk, or by none
                                return false
                            }
                        }
                        return true
                    }
                    // The log holds every position through `last` (see above): records still waiting mean it did not.
                    if let waiting = ahead.firstKey { throw LedgerStore.unreadable(LedgerStore.readBE64(waiting)) }
                    if batch.plan.count > 0 { _ = hand(over: batch) }
                }
            } catch {
                failed = error
            }
            // Set once the read transaction has ended: `stop` waits for it.
            condition.withLock {
                failure = failed
                done = true
                condition.broadcast()
            }
        }
    }

    /// The lot `id`, read from its intake the first time.
    static func lot(_ id: UInt64, _ lots: inout [UInt64: Lot], _ store: LedgerStore, _ txn: borrowing Transaction) throws -> Lot {
        if let known = lots[id] { return known }
        let l = try store.lotFromLog(txn, id)
        lots[id] = l
        return l
    }

    /// Queues a batch for the caller, waiting while enough are queued.
    /// - Returns: false when the caller has stopped; and an empty batch to fill next: one the caller is done with,
    ///   emptied here (its decoded records freed on this thread), or a new one.
    private func hand(over batch: Batch) -> (handed: Bool, next: Batch) {
        var done: [Batch] = []  // emptied after the lock is let go
        let handed = condition.withLock {
            swap(&done, &spent)
            while ready.count >= LogPrefetch.depth && !stopped { condition.wait() }
            guard !stopped else { return false }
            ready.append(batch)
            condition.broadcast()
            return true
        }
        guard var next = done.popLast() else { return (handed, Batch()) }
        next.removeAll()
        return (handed, next)
    }

    /// Hands back a batch the caller has projected, to be freed on the reading thread.
    func recycle(_ batch: Batch) {
        condition.withLock { spent.append(batch) }
    }

    /// The next batch of records in position order, or nil after the last. Throws what reading or decoding threw.
    func next() throws -> Batch? {
        try condition.withLock {
            while ready.isEmpty && !done { condition.wait() }
            if !ready.isEmpty {
                condition.broadcast()
                return ready.removeFirst()
            }
            if let failure { throw failure }
            return nil
        }
    }

    /// Stops the reading (when the caller needs no more records) and waits until it has ended: no read transaction
    /// of it outlives the call.
    func stop() {
        condition.withLock {
            stopped = true
            ready = []
            spent = []
            condition.broadcast()
            while !done { condition.wait() }
        }
    }
}
