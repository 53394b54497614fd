import LMDBStore

/// Which records `Ledger.records` returns.
public struct LogFilter: Sendable {
    public var from: UInt64 = 1
    public var to: UInt64 = .max
    public var types: Set<EventType> = []
    /// Keeps records that name this donor, site, item, campaign or recipient.
    public var entity: String?
    public var limit: Int = .max

    public init(from: UInt64 = 1, to: UInt64 = .max, types: Set<EventType> = [], entity: String? = nil, limit: Int = .max) {
        self.from = from
        self.to = to
        self.types = types
        self.entity = entity
        self.limit = limit
    }
}

extension Ledger {
    /// Records in position order that pass `filter`.
    public func records(_ filter: LogFilter = LogFilter()) throws(LedgerError) -> [EventRecord] {
        var out: [EventRecord] = []
        try forEachRecord(filter) { out.append($0) }
        return out
    }

    /// Hands each record that passes `filter` to `body`, in position order, one at a time: a log of any length is
    /// listed without holding it in memory.
    public func forEachRecord(_ filter: LogFilter, _ body: (EventRecord) throws -> Void) throws(LedgerError) {
        try read { txn in
            var passed = 0
            var failure: (any Error)?
            try txn.forEach(store.log, from: LedgerStore.be64(max(filter.from, 1))) { key, value in
                let position = LedgerStore.readBE64(key)
                guard position <= filter.to, passed < filter.limit else { return false }
                let record: EventRecord
                do {
                    record = try EventRecord.decode(position: position, stored: Array(value))
                } catch {
                    failure = LedgerError(.corruptRecord, "record #\(position) cannot be read: \(error)")
                    return false
                }
                if !filter.types.isEmpty && !filter.types.contains(record.event.type) { return true }
                if let entity = filter.entity, !record.mentions(entity) { return true }
                passed += 1
                try body(record)
                return true
            }
            if let failure { throw failure }
        }
    }

    /// The record at `position`, when there is one.
    public func record(at position: UInt64) throws(LedgerError) -> EventRecord? {
        try read { txn in try store.record(txn, at: position) }
    }
}

extension EventRecord {
    /// Whether the record names `id` as its site or as a donor, site, item, campaign or recipient.
    public func mentions(_ id: String) -> Bool {
        if site == id { return true }
        let keys: Set<String> = ["donor", "donors", "site", "to_site", "item", "items", "campaign", "recipient"]
        func walk(_ v: JSONValue, _ key: String?) -> Bool {
            switch v {
            case .string(let s): return key.map(keys.contains) == true && s == id
            case .array(let items): return items.contains { walk($0, key) }
            case .object(let members): return members.contains { walk($0.1, $0.0) }
            default: return false
            }
        }
        return walk(.object(event.payload.json), nil)
    }
}
