import LMDBStore

/// What a batch of commands keeps in memory until it ends: the running totals it adds to and the versions it sets,
/// each touched by many of its commands and written once (`flush`, before the batch commits).
final class BatchOverlay {
    let totals = CounterOverlay()
    let versions = VersionOverlay()

    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        try totals.flush(to: store, txn)
        try versions.flush(to: store, txn)
    }
}
