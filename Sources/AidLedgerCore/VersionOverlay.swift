import LMDBStore

/// Entities' versions (the position of their last change) set in memory and written to the store once, by `flush`.
/// A replay keeps them here for a chunk of events; a batch of commands for the batch, so a site or campaign touched
/// by every command of the batch is written once. Nothing reads versions from the store while entries are pending,
/// except a command that states the version it expects: the batch flushes first (see `Ledger.executeTogether`).
final class VersionOverlay {
    /// Positions by version key (kind letter and id).
    @exclusivity(unchecked) private var versions = ByteTable()
    /// Where each key is written for its look-up (reused: no allocation per look-up).
    private let scratch = KeyScratch()

    /// Entities whose versions are pending.
    var count: Int { versions.count }

    /// The entity's version becomes `position`.
    func set(_ kind: LedgerStore.Kind, _ id: String, _ position: UInt64) {
        scratch.with(length: 1 + RawKeyWriter.length(id)) { w in
            w.byte(kind.letter)
            w.text(id)
        } _: { k in
            _ = versions.update(k) { _ in Int64(bitPattern: position) }
        }
    }

    /// Writes every version set since the last flush, and forgets them.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        try versions.forEach { key, position in try txn.put(store.versions, Array(key), LedgerStore.int64Value(position)) }
        clear()
    }

    /// Forgets every version set (keeping the memory).
    func clear() { versions.removeAll() }
}
