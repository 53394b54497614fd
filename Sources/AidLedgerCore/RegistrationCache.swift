import LMDBStore

/// Decoded registrations of the reference data (donors, sites, items, campaigns), each kept with the stored bytes it
/// was decoded from. Every command reads a campaign, a site and an item; decoding them again each time cost a tenth of
/// an issuance. A cached value is used only when the registry still holds the same bytes in the reading transaction,
/// so a registration written by a batch that was then rolled back is never taken for a committed one.
final class RegistrationCache: Sendable {
    /// Reference data is small; recipients (millions) are not cached.
    static let capacity = 4_096

    private let entries = Locked<[String: AnyObject]>([:])

    /// A decoded registration and the bytes it came from (a class: telling its type is one comparison, where
    /// casting an existential payload costs a search through the runtime's conformances).
    private final class Entry<P: EventPayload>: @unchecked Sendable {  // immutable after init
        let bytes: [UInt8]
        let payload: P
        init(_ bytes: [UInt8], _ payload: P) { (self.bytes, self.payload) = (bytes, payload) }
    }

    /// The registration of `kind` `id` as `txn` sees it, or nil when there is none.
    func registered<P: EventPayload>(
        _ txn: borrowing some KeyValueStore & ~Copyable, _ store: LedgerStore, _ kind: LedgerStore.Kind, _ id: String, as: P.Type
    ) throws -> P? {
        let key = kind.key(id)
        guard let bytes = try txn.get(store.registry, key) else { return nil }
        guard kind != .recipient else { return try LedgerStore.registration(bytes, as: P.self) }
        let name = String(decoding: key, as: UTF8.self)
        if let hit = entries.withLock({ $0[name] }) as? Entry<P>,
            KeyOrder.same(hit.bytes, bytes)
        {
            return hit.payload
        }
        let payload = try LedgerStore.registration(bytes, as: P.self)
        entries.withLock { entries in
            if entries.count >= RegistrationCache.capacity { entries.removeAll(keepingCapacity: true) }
            entries[name] = Entry(bytes, payload)
        }
        return payload
    }
}
