import LMDBStore

extension Ledger {
    /// The period report for business dates `from`…`to`, optionally for one campaign, site or donor (what that
    /// donor's goods and cash did: a donor's question), as the books stood at `point`.
    public func report(
        from: BusinessDate, to: BusinessDate, campaign: String? = nil, site: String? = nil, donor: String? = nil, as point: AsOf = .head
    ) throws(LedgerError) -> PeriodReport {
        guard from <= to else { throw LedgerError(.invalidDate, "the period ends (\(to)) before it starts (\(from))") }
        // The head and the voids as the report begins: the history it counts ends there at the latest.
        let (head, voids) = try read { txn -> (UInt64, [UInt64: UInt64]) in
            if let campaign { _ = try self.campaign(txn, campaign) }
            if let site { _ = try self.site(txn, site) }
            if let donor { _ = try self.donor(txn, donor) }
            var voids: [UInt64: UInt64] = [:]
            try txn.forEach(store.voids) { target, void in
                voids[LedgerStore.readBE64(target)] = LedgerStore.readBE64(void)
                return true
            }
            return (try store.head(txn).position, voids)
        }
        try Ledger.checkReached(point, head: head)
        // One pass over the history up to the point, a record at a time, `replayChunk` positions of the log per read
        // transaction (a long report holds no snapshot that keeps the writer from reusing pages). A record of the period that was
        // voided is held back (voids are rare) until the pass has found where the history ends: it counts only when
        // its void came after that.
        var tally = ReportTally(from: from, to: to, campaign: campaign, site: site, donor: donor)
        var held: [EventRecord] = []
        var last: UInt64 = 0
        try scanLog(from: 1, through: head, window: UInt64(replayChunk)) { txn, key, value in
            let record = try LedgerStore.logRecord(key, Array(value), envelope: false)
            guard point.includes(record.position, recordedAt: record.recordedAt) else { return false }
            last = record.position
            guard record.businessDate >= from && record.businessDate <= to else { return true }
            if voids[record.position] != nil { held.append(record) } else { try tally.add(record, self, txn) }
            return true
        }
        try read { txn in
            for record in held where voids[record.position]! > last { try tally.add(record, self, txn) }
        }
        var report = tally.report
        report.through = last
        return report
    }
}
