import LMDBStore

/// What a rebuild did.
public struct RebuildReport: Sendable {
    public var events: UInt64
    /// Entries in the projections.
    public var entries: Int
    /// Stored entries that differed from the log's replay and were written or removed.
    public var mended: Int
}

extension Ledger {
    /// Replays the log from the first record up to `point` into memory, with the same projection code
    /// as the append path. - Returns: the projections and the last position replayed.
    func replay(
        _ txn: borrowing some KeyValueStore & ~Copyable, to point: AsOf, progress: ((UInt64) -> Void)? = nil
    ) throws -> (state: MemoryStore, last: UInt64) {
        let memory = MemoryStore()
        let cache = ReplayCache()
        var last: UInt64 = 0
        try txn.forEach(store.log, prefix: []) { key, value in
            let position = LedgerStore.readBE64(key)
            guard let record = try? EventRecord.decode(position: position, stored: Array(value)) else {
                throw LedgerError(.corruptRecord, "record #\(position) cannot be read; run aidledger verify")
            }
            guard point.includes(position, recordedAt: record.recordedAt) else { return false }
            try project(record, in: memory, log: txn, cache: cache)
            last = position
            if position % 100_000 == 0 { progress?(position) }
            return true
        }
        try cache.flush(to: store, memory)
        return (memory, last)
    }

    /// The projections as they stood at `point`, replayed from the log. A point whose history can no longer change
    /// (a position already written, a day that has ended in Kyiv) is kept, so an auditor browsing the books as of
    /// that point replays the log once, not on every page.
    func state(at point: AsOf, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> MemoryStore {
        let head = try store.head(txn)
        let settled: Bool = switch point {
        case .head: false
        case .position(let p): p <= head.position
        case .endOfDay(let d): d.endInKyivMicros < clock()
        }
        if settled, let cached = pastStates.withLock({ $0[point] }) { return cached }
        let state = try replay(txn, to: point).state
        if settled { pastStates.withLock { $0 = [point: state] } }  // one point at a time: memory stays bounded
        return state
    }

    /// Recomputes every projection from the log and mends the stored ones to match, in one write transaction:
    /// only entries that differ are written, so a rebuild of sound projections writes nothing, and an
    /// interrupted rebuild leaves the previous projections in place.
    @available(*, noasync)
    public func rebuild(progress: ((UInt64, UInt64) -> Void)? = nil) throws(LedgerError) -> RebuildReport {
        do {
            return try writer.performAndWait {
                try env.write { txn in try mend(in: txn, progress: progress) }
            }
        } catch {
            throw Ledger.storageError(error)
        }
    }

    /// Replays the log and writes the entries of the stored projections that differ from it.
    private func mend(in txn: borrowing Transaction, progress: ((UInt64, UInt64) -> Void)?) throws -> RebuildReport {
        let total = try store.head(txn).position
        let (memory, last) = try replay(txn, to: .head) { progress?($0, total) }
        var report = RebuildReport(events: last, entries: 0, mended: 0)
        for name in LedgerStore.projectionNames {
            let db = env.database(name)
            let expected = memory.sortedEntries(db)
            report.entries += expected.count
            for difference in try differences(db, in: txn, expected: expected, limit: .max) {
                switch difference {
                case .missing(let key, let value), .differs(let key, _, let value): try txn.put(db, key, value)
                case .unbacked(let key): try txn.delete(db, key)
                }
                report.mended += 1
            }
        }
        progress?(last, total)
        return report
    }

    /// The projections' layout. A ledger written under an older one has its projections rebuilt when it is opened,
    /// and the databases the layout no longer uses are deleted.
    static let layout: UInt64 = 2
    static let retiredDatabases = ["history"]

    func upgradeLayoutIfNeeded() throws(LedgerError) {
        let key = Array("layout".utf8)
        let current = try read { txn in try txn.get(store.meta, key).map { LedgerStore.readBE64($0) } ?? 0 }
        guard current < Ledger.layout else { return }
        do {
            try writer.performAndWait {
                try env.write { txn in
                    guard (try txn.get(store.meta, key).map { LedgerStore.readBE64($0) } ?? 0) < Ledger.layout else { return }
                    for name in Ledger.retiredDatabases { try txn.dropDatabase(named: name) }
                    if try store.head(txn).position > 0 { _ = try mend(in: txn, progress: nil) }
                    try txn.put(store.meta, key, LedgerStore.be64(Ledger.layout))
                }
            }
        } catch {
            throw Ledger.storageError(error)
        }
    }

    /// Compares the stored projections entry by entry with a fresh replay of the log.
    /// - Returns: the differences, in words (empty when they agree).
    public func projectionDifferences(limit: Int = 20) throws(LedgerError) -> [String] {
        try read { txn in
            let (memory, _) = try replay(txn, to: .head)
            var out: [String] = []
            for name in LedgerStore.projectionNames where out.count < limit {
                for difference in try differences(env.database(name), in: txn, expected: memory.sortedEntries(env.database(name)), limit: limit - out.count) {
                    switch difference {
                    case .missing(let key, _): out.append("\(name): entry \(Ledger.describe(key)) is missing from the stored projection")
                    case .unbacked(let key): out.append("\(name): entry \(Ledger.describe(key)) is not backed by the log")
                    case .differs(let key, let stored, let expected):
                        out.append("\(name): entry \(Ledger.describe(key)) holds \(stored.hexString) but the log gives \(expected.hexString)")
                    }
                }
            }
            return out
        }
    }

    /// How a stored projection entry differs from the log's replay.
    enum ProjectionDifference {
        case missing(key: [UInt8], expected: [UInt8])
        case unbacked(key: [UInt8])
        case differs(key: [UInt8], stored: [UInt8], expected: [UInt8])
    }

    /// Walks the stored entries of `db` beside the replayed ones, both in key order, and lists where they differ.
    private func differences(
        _ db: Database, in txn: borrowing some KeyValueStore & ~Copyable, expected: [(key: [UInt8], value: [UInt8])], limit: Int
    ) throws -> [ProjectionDifference] {
        var out: [ProjectionDifference] = []
        var next = 0
        try txn.forEach(db, prefix: []) { key, value in
            while next < expected.count, expected[next].key.withUnsafeBytes({ MemoryStore.order($0, key) }) < 0 {
                out.append(.missing(key: expected[next].key, expected: expected[next].value))
                next += 1
            }
            if next < expected.count, expected[next].key.withUnsafeBytes({ MemoryStore.order($0, key) }) == 0 {
                if expected[next].value.withUnsafeBytes({ MemoryStore.order($0, value) }) != 0 {
                    out.append(.differs(key: expected[next].key, stored: Array(value), expected: expected[next].value))
                }
                next += 1
            } else {
                out.append(.unbacked(key: Array(key)))
            }
            return out.count < limit
        }
        for e in expected[next...] where out.count < limit { out.append(.missing(key: e.key, expected: e.value)) }
        return out
    }

    /// A projection key as readable text: printable parts joined by "/", other bytes in hex.
    static func describe(_ key: [UInt8]) -> String {
        key.split(separator: 0, omittingEmptySubsequences: false).map { part in
            part.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? String(decoding: part, as: UTF8.self) : "0x" + part.hexString
        }.joined(separator: "/")
    }
}
