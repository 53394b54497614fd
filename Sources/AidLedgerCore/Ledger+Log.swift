import Glibc
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

    /// Hands each record that passes `filter` to `body`, in position order: a log of any length is listed without
    /// holding it in memory. The log is read a window at a time, each in a read transaction of its own that ends
    /// before its records are handed over, so a slow reader (a pager) never holds a snapshot that keeps the writer
    /// from reusing the pages it frees.
    public func forEachRecord(_ filter: LogFilter, _ body: (EventRecord) -> Void) throws(LedgerError) {
        guard filter.to >= filter.from else {
            throw LedgerError(.invalidField, "the log's stretch ends (#\(filter.to)) before it starts (#\(filter.from))")
        }
        var passed = 0
        var window: [EventRecord] = []
        // Every id a record names is stored in it as its UTF-8 bytes: a record without them cannot name the entity,
        // and is passed over without being decoded (listing one recipient's events scans the log at memory speed).
        let needle = filter.entity.map { Array($0.utf8) } ?? []
        try scanLog(from: filter.from, through: filter.to, window: Ledger.logWindow) { _, key, value in
            guard passed + window.count < filter.limit else { return false }
            if filter.entity != nil, !Ledger.contains(value, needle) { return true }
            let record = try LedgerStore.logRecord(key, value)
            if !filter.types.isEmpty && !filter.types.contains(record.event.type) { return true }
            if let entity = filter.entity, !record.mentions(entity) { return true }
            window.append(record)
            return true
        } afterWindow: {
            for record in window { body(record) }
            passed += window.count
            window.removeAll(keepingCapacity: true)
        }
    }

    /// Reads the log from `first` through `last`, at most `window` positions per read transaction, and hands `visit`
    /// each record's key and stored bytes with the transaction they were read in, until it returns false;
    /// `afterWindow` runs after each transaction has ended. A long scan so holds no snapshot that keeps the writer
    /// from reusing the pages it frees.
    func scanLog(
        from first: UInt64, through last: UInt64, window: UInt64,
        _ visit: (borrowing Transaction, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool,
        afterWindow: () -> Void = {}
    ) throws(LedgerError) {
        var next = max(first, 1)
        var going = true
        while going && next <= last {
            var full = false
            try read { txn in
                try txn.forEach(store.log, from: LedgerStore.be64(next)) { key, value in
                    let position = LedgerStore.readBE64(key)
                    guard position <= last else { return false }
                    guard position - next < window else {
                        full = true
                        return false
                    }
                    guard try visit(txn, key, value) else {
                        going = false
                        return false
                    }
                    return true
                }
            }
            afterWindow()
            // A window not filled ended at the log's end or at `last`.
            guard full else { return }
            next += window
        }
    }

    /// Whether `bytes` hold `needle` anywhere.
    private static func contains(_ bytes: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard bytes.count >= needle.count else { return false }
        return needle.withUnsafeBytes { n in
            // Each place the first byte occurs (memchr), compared whole (memcmp).
            var at = bytes.baseAddress!
            let end = bytes.baseAddress! + (bytes.count - n.count + 1)
            while at < end, let hit = memchr(at, Int32(n[0]), end - at) {
                if memcmp(hit, n.baseAddress!, n.count) == 0 { return true }
                at = UnsafeRawPointer(hit) + 1
            }
            return false
        }
    }

    /// Positions of the log read in one transaction by `forEachRecord`.
    static let logWindow: UInt64 = 10_000

    /// The record at `position`, when there is one.
    public func record(at position: UInt64) throws(LedgerError) -> EventRecord? {
        try read { txn in try store.record(txn, at: position) }
    }
}

extension EventRecord {
    /// Whether the record names `id` as its site or as a donor, site, item, campaign or recipient.
    public func mentions(_ id: String) -> Bool {
        if site == id { return true }
        let keys: Set<String> = [
            "donor", "donors", "added_donors", "removed_donors", "site", "to_site", "item", "items", "added_items", "removed_items", "campaign", "recipient",
        ]
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
