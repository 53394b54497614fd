import Foundation
import LMDBStore

/// Gathers commands from concurrent callers (HTTP requests) into batches: while the writer commits one
/// batch, the next one fills up. Each batch is one LMDB transaction with one durable commit; each caller
/// is answered only after the commit that holds its command, and a failing command fails alone.
public final class GroupCommit: @unchecked Sendable {  // `pending` and `draining` are guarded by `lock`
    /// What a committed batch looked like, for metrics.
    public struct Batch: Sendable {
        public var size: Int
        /// From the start of the transaction to the end of the durable commit.
        public var commitNanoseconds: UInt64
        public var results: [Result<Outcome, LedgerError>]
    }

    private let ledger: Ledger
    private let maxBatch: Int
    private let observe: @Sendable (Batch) -> Void
    private let lock = NSLock()
    private var pending: [(Command, CheckedContinuation<Result<Outcome, LedgerError>, Never>)] = []
    private var draining = false

    init(ledger: Ledger, maxBatch: Int, observe: @escaping @Sendable (Batch) -> Void) {
        self.ledger = ledger
        self.maxBatch = maxBatch
        self.observe = observe
    }

    /// Commits `command` with whatever else is waiting; returns once its batch is on disk.
    public func submit(_ command: Command) async -> Result<Outcome, LedgerError> {
        await withCheckedContinuation { continuation in
            lock.lock()
            pending.append((command, continuation))
            let start = !draining
            draining = true
            lock.unlock()
            if start { ledger.writer.execute { [self] in drain() } }
        }
    }

    /// Runs on the writer thread: commits batches until nobody is waiting.
    private func drain() {
        while true {
            lock.lock()
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            if batch.isEmpty { draining = false }
            lock.unlock()
            if batch.isEmpty { return }
            let started = DispatchTime.now().uptimeNanoseconds
            let results: [Result<Outcome, LedgerError>]
            do {
                results = try ledger.env.write { txn in try ledger.execute(batch: batch.map(\.0), in: txn) }
            } catch {
                results = Array(repeating: .failure(Ledger.storageError(error)), count: batch.count)
            }
            observe(Batch(size: batch.count, commitNanoseconds: DispatchTime.now().uptimeNanoseconds - started, results: results))
            for (i, (_, continuation)) in batch.enumerated() { continuation.resume(returning: results[i]) }
        }
    }
}

extension Ledger {
    /// A group committer for this ledger; `observe` sees every batch (for metrics).
    public func groupCommit(maxBatch: Int = 10_000, observe: @escaping @Sendable (GroupCommit.Batch) -> Void = { _ in }) -> GroupCommit {
        GroupCommit(ledger: self, maxBatch: maxBatch, observe: observe)
    }
}
