import LMDBStore

extension Ledger {
    /// The period report for business dates `from`…`to`, optionally for one campaign, site or donor (what that
    /// donor's goods and cash did: a donor's question), as the books stood at `point`.
    public func report(
        from: BusinessDate, to: BusinessDate, campaign: String? = nil, site: String? = nil, donor: String? = nil, as point: AsOf = .head
    ) throws(LedgerError) -> PeriodReport {
        guard from <= to else { throw LedgerError(.invalidDate, "the period ends (\(to)) before it starts (\(from))") }
        // The head as the report begins: the history it counts ends there at the latest.
        let head = try reportHead(campaign: campaign, site: site, donor: donor)
        try Ledger.checkReached(point, head: head)
        let voids = try voidPositions()
        // One pass over the history up to the point, a record at a time, `replayChunk` positions of the log per read
        // transaction (a long report holds no snapshot that keeps the writer from reusing pages). A record of the period that was
        // voided is held back (voids are rare) until the pass has found where the history ends: it counts only when
        // its void came after that.
        var tally = ReportTally(from: from, to: to, campaign: campaign, site: site, donor: donor)
        var held: [EventRecord] = []
        var last: UInt64 = 0
        try scanLog(from: 1, through: head, window: UInt64(replayChunk)) { txn, key, value in
            let record = try LedgerStore.logRecord(key, value, envelope: false)
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

    /// What changed a period's report after it was made at position `since` (a report sent to a donor or the city,
    /// say): the report then, the events recorded after `since` (up to `point`) that the report counts now (a paper
    /// list entered late, under its own dates), and the voids recorded after `since` of events it counted then.
    public func reportChanges(
        from: BusinessDate, to: BusinessDate, campaign: String? = nil, site: String? = nil, donor: String? = nil, since: UInt64, as point: AsOf = .head
    ) throws(LedgerError) -> ReportChanges {
        let then = try report(from: from, to: to, campaign: campaign, site: site, donor: donor, as: .position(since))
        let head = try reportHead(campaign: campaign, site: site, donor: donor)
        let inside = try read { txn in try since == 0 || store.record(txn, at: since).map { point.includes(since, recordedAt: $0.recordedAt) } == true }
        guard inside else { throw LedgerError(.invalidField, "#\(since) comes after the point the report is asked for (\(point.phrase)): nothing since then is in it") }
        let voids = try voidPositions()
        func inPeriod(_ r: EventRecord) -> Bool { r.businessDate >= from && r.businessDate <= to }
        var probe = ReportTally(from: from, to: to, campaign: campaign, site: site, donor: donor)
        var changes = ReportChanges(since: since, then: then)
        var last = since
        try scanLog(from: since + 1, through: head, window: UInt64(replayChunk)) { txn, key, value in
            let record = try LedgerStore.logRecord(key, value)
            guard point.includes(record.position, recordedAt: record.recordedAt) else { return false }
            last = record.position
            if case .eventVoided(let v) = record.event, v.target <= since {
                if let target = try store.record(txn, at: v.target), inPeriod(target), try probe.counts(target, self, txn) { changes.voided.append((record, target)) }
            } else if inPeriod(record), try probe.counts(record, self, txn) {
                changes.added.append(record)
            }
            return true
        }
        // Recorded after `since` and voided by the point: in neither report.
        changes.added.removeAll { voids[$0.position].map { $0 <= last } ?? false }
        return changes
    }

    /// The head, after checking that the report's campaign, site and donor exist.
    private func reportHead(campaign: String?, site: String?, donor: String?) throws(LedgerError) -> UInt64 {
        try read { txn in
            if let campaign { _ = try self.campaign(txn, campaign) }
            if let site { _ = try self.site(txn, site) }
            if let donor { _ = try self.donor(txn, donor) }
            return try store.head(txn).position
        }
    }

    /// Each voided event's position, with its void's.
    private func voidPositions() throws(LedgerError) -> [UInt64: UInt64] {
        try read { txn in
            var voids: [UInt64: UInt64] = [:]
            try txn.forEach(store.voids) { target, void in
                voids[LedgerStore.readBE64(target)] = LedgerStore.readBE64(void)
                return true
            }
            return voids
        }
    }
}
