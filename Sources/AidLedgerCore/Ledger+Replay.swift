import LMDBStore

/// What a rebuild did.
public struct RebuildReport: Sendable {
    public var events: UInt64
    public var entries: Int
}

extension Ledger {
    /// Replays the log from the first record up to `point` into memory, with the same projection code
    /// as the append path. - Returns: the projections and the last position replayed.
    func replay(
        _ txn: borrowing some KeyValueStore & ~Copyable, to point: AsOf, progress: ((UInt64) -> Void)? = nil
    ) throws -> (state: MemoryStore, last: UInt64) {
        let memory = MemoryStore()
        var last: UInt64 = 0
        try txn.forEach(store.log, prefix: []) { key, value in
            let position = LedgerStore.readBE64(key)
            guard let record = try? EventRecord.decode(position: position, stored: Array(value)) else {
                throw LedgerError(.corruptRecord, "record #\(position) cannot be read; run aidledger verify")
            }
            guard point.includes(position, recordedAt: record.recordedAt) else { return false }
            try project(record, in: memory, log: txn)
            last = position
            if position % 100_000 == 0 { progress?(position) }
            return true
        }
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

    /// Recomputes every projection from the log and replaces the stored ones, in one write transaction:
    /// an interrupted rebuild leaves the previous projections in place.
    @available(*, noasync)
    public func rebuild(progress: ((UInt64, UInt64) -> Void)? = nil) throws(LedgerError) -> RebuildReport {
        do {
            return try writer.performAndWait {
                try env.write { txn in
                    let total = try store.head(txn).position
                    let (memory, last) = try replay(txn, to: .head) { progress?($0, total) }
                    var entries = 0
                    for name in LedgerStore.projectionNames {
                        let db = env.database(name)
                        try txn.clear(db)
                        for (key, value) in memory.sortedEntries(db) {
                            try txn.put(db, key, value, options: .append)
                            entries += 1
                        }
                    }
                    progress?(last, total)
                    return RebuildReport(events: last, entries: entries)
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
            var differences: [String] = []
            for name in LedgerStore.projectionNames where differences.count < limit {
                let db = env.database(name)
                var expected = memory.sortedEntries(db)[...]
                var stored: [(key: [UInt8], value: [UInt8])] = []
                try txn.forEach(db) { k, v in
                    stored.append((Array(k), Array(v)))
                    return true
                }
                for (key, value) in stored where differences.count < limit {
                    while let next = expected.first, next.key.lexicographicallyPrecedes(key) {
                        differences.append("\(name): entry \(Ledger.describe(next.key)) is missing from the stored projection")
                        expected = expected.dropFirst()
                    }
                    if let next = expected.first, next.key == key {
                        if next.value != value {
                            differences.append("\(name): entry \(Ledger.describe(key)) holds \(value.hexString) but the log gives \(next.value.hexString)")
                        }
                        expected = expected.dropFirst()
                    } else {
                        differences.append("\(name): entry \(Ledger.describe(key)) is not backed by the log")
                    }
                }
                for next in expected.prefix(max(0, limit - differences.count)) {
                    differences.append("\(name): entry \(Ledger.describe(next.key)) is missing from the stored projection")
                }
            }
            return differences
        }
    }

    /// A projection key as readable text: printable parts joined by "/", other bytes in hex.
    static func describe(_ key: [UInt8]) -> String {
        key.split(separator: 0, omittingEmptySubsequences: false).map { part in
            part.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) ? String(decoding: part, as: UTF8.self) : "0x" + part.hexString
        }.joined(separator: "/")
    }
}
