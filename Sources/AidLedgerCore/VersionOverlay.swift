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

    /// The length of a version key: the kind's letter, then the id.
    static func keyLength(_ id: String) -> Int { 1 + RawKeyWriter.length(id) }

    static func writeKey(_ w: inout RawKeyWriter, _ kind: LedgerStore.Kind, _ id: String) {
        w.byte(kind.letter)
        w.text(id)
    }

    /// The entity's version becomes `position`.
    func set(_ kind: LedgerStore.Kind, _ id: String, _ position: UInt64) {
        _ = scratch.with(length: VersionOverlay.keyLength(id)) { VersionOverlay.writeKey(&$0, kind, id) } _: { k in
            versions.update(k) { _ in Int64(bitPattern: position) }
        }
    }

    /// Writes every version set since the last flush, in key order (appended when the store holds none yet: a
    /// replay's first chunk), and forgets them.
    func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        try txn.writeInKeyOrder(store.versions) { w in
            try versions.forEachSorted { key, position in try LedgerStore.put(w, key: key, position) }
        }
        clear()
    }

    /// Forgets every version set (keeping the memory).
    func clear() { versions.removeAll() }
}
