import Foundation
import LMDBStore

/// Reads and decodes a stretch of the log on another core, a batch of records at a time, while the caller projects
/// the records before them: a replay's decoding (about a fifth of its work) runs beside its projecting.
///
/// The records come from a read transaction of its own. The log is append-only and every position up to the last
/// one asked for is already written, so they are the records the caller's own transaction holds.
final class LogPrefetch: @unchecked Sendable {  // the state below is shared under `condition`
    /// Records decoded per hand-over, and hand-overs decoded ahead at most.
    static let batchSize = 256
    static let depth = 8

    private let condition = NSCondition()
    private var ready: [[EventRecord]] = []
    private var done = false
    private var failure: (any Error)?
    private var stopped = false

    /// Starts decoding the records from `first` through `last` of `store`'s log in `env`.
    init(_ env: Environment, _ store: LedgerStore, from first: UInt64, through last: UInt64) {
        guard first <= last else {
            done = true
            return
        }
        DispatchQueue.global().async { [self] in
            var failed: (any Error)?
            do {
                try env.read { txn in
                    var batch: [EventRecord] = []
                    batch.reserveCapacity(LogPrefetch.batchSize)
                    try txn.forEach(store.log, from: LedgerStore.be64(first)) { key, value in
                        let record = try LedgerStore.logRecord(key, Array(value), envelope: false)
                        guard record.position <= last else { return false }
                        batch.append(record)
                        guard batch.count == LogPrefetch.batchSize || record.position == last else { return true }
                        defer { batch = []; batch.reserveCapacity(LogPrefetch.batchSize) }
                        return hand(over: batch) && record.position < last
                    }
                    if !batch.isEmpty { _ = hand(over: batch) }
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

    /// Queues a batch for the caller, waiting while enough are queued. - Returns: false when the caller has stopped.
    private func hand(over batch: [EventRecord]) -> Bool {
        condition.withLock {
            while ready.count >= LogPrefetch.depth && !stopped { condition.wait() }
            guard !stopped else { return false }
            ready.append(batch)
            condition.broadcast()
            return true
        }
    }

    /// The next batch of records in position order, or nil after the last. Throws what reading or decoding threw.
    func next() throws -> [EventRecord]? {
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
            condition.broadcast()
            while !done { condition.wait() }
        }
    }
}
