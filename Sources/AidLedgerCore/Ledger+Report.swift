import LMDBStore

extension Ledger {
    /// The period report for business dates `from`…`to`, optionally for one campaign or site, as the
    /// books stood at `point`.
    public func report(from: BusinessDate, to: BusinessDate, campaign: String? = nil, site: String? = nil, as point: AsOf = .head) throws(LedgerError) -> PeriodReport {
        try read { txn in
            if let campaign { _ = try self.campaign(txn, campaign) }
            if let site { _ = try self.site(txn, site) }
            // First the voids up to the point, then the events of the period that they leave standing.
            var voided = Set<UInt64>()
            var records: [EventRecord] = []
            try txn.forEach(store.log) { key, value in
                let record = try EventRecord.decode(position: LedgerStore.readBE64(key), stored: Array(value))
                guard point.includes(record.position, recordedAt: record.recordedAt) else { return false }
                if case .eventVoided(let v) = record.event { voided.insert(v.target) }
                if record.businessDate >= from && record.businessDate <= to { records.append(record) }
                return true
            }
            // The lots, donors and recipients the period's events name, read once.
            var lots: [UInt64: Lot] = [:]
            var donors: [String: DonorRegistered] = [:]
            var recipients: [String: RecipientRegistered] = [:]
            for record in records {
                switch record.event {
                case .goodsIssued(let p):
                    recipients[p.recipient] = try self.recipient(txn, p.recipient)
                    for d in p.lines.flatMap(\.draws) where lots[d.lot] == nil { lots[d.lot] = try self.lot(txn, d.lot) }
                case .cashGranted(let p): recipients[p.recipient] = try self.recipient(txn, p.recipient)
                case .stockAdjusted(let p): for d in p.draws where lots[d.lot] == nil { lots[d.lot] = try self.lot(txn, d.lot) }
                default: break
                }
            }
            for donor in Set(lots.values.map(\.donor)) { donors[donor] = try self.donor(txn, donor) }
            return try PeriodReport.count(
                records.filter { !voided.contains($0.position) }, from: from, to: to, campaign: campaign, site: site,
                lots: lots, donors: donors, recipients: recipients)
        }
    }
}

extension PeriodReport {
    static func count(
        _ records: [EventRecord], from: BusinessDate, to: BusinessDate, campaign: String?, site: String?,
        lots: [UInt64: Lot], donors: [String: DonorRegistered], recipients: [String: RecipientRegistered]
    ) throws -> PeriodReport {
        var report = PeriodReport(from: from, to: to, campaign: campaign, site: site)
        var served = Set<String>()
        var cashServed = Set<String>()
        func serve(_ id: String) {
            guard served.insert(id).inserted, let r = recipients[id] else { return }
            report.served.recipients += 1
            if r.kind == .household { report.served.households += 1 } else { report.served.individuals += 1 }
            report.served.people += r.householdSize
            report.served.byCategory[r.category, default: 0] += 1
            report.served.byArea[r.area, default: 0] += 1
        }
        func lot(_ id: UInt64) throws -> Lot {
            guard let l = lots[id] else { throw LedgerError(.corruptRecord, "lot #\(id) is missing") }
            return l
        }
        for record in records {
            if let site, record.site != site, !(record.event.type == .cashGranted || record.event.type == .cashReceived) { continue }
            switch record.event {
            case .goodsIssued(let p):
                if let campaign, p.campaign != campaign { continue }
                serve(p.recipient)
                for line in p.lines {
                    for d in line.draws {
                        let l = try lot(d.lot)
                        let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value issued")
                        report.issued[line.item, default: (0, 0)].units += d.amount
                        report.issued[line.item, default: (0, 0)].value += value
                        report.valueByDonor[l.donor, default: 0] += value
                        if donors[l.donor]?.kind.isPublicFunding == true { report.publicValue += value } else { report.charitableValue += value }
                    }
                }
            case .cashGranted(let p):
                if let campaign, p.campaign != campaign { continue }
                if site != nil { continue }  // cash is paid from a campaign, not a site
                serve(p.recipient)
                if cashServed.insert(p.recipient).inserted { report.cashRecipients += 1 }
                report.cashTotal += p.amount
            case .goodsReceived(let p):
                if let campaign, p.campaign != campaign { continue }
                let value = try p.quantity.multiplied(by: p.valuePerUnit, describing: "the intake's value")
                report.intake[p.donor, default: [:]][p.item, default: (0, 0)].units += p.quantity
                report.intake[p.donor, default: [:]][p.item, default: (0, 0)].value += value
            case .cashReceived(let p):
                if let campaign, p.campaign != campaign { continue }
                if site != nil { continue }
                report.cashIntake[p.donor, default: 0] += p.amount
            case .stockAdjusted(let p) where p.delta < 0:
                if campaign != nil { continue }  // write-offs belong to sites and lots, not campaigns
                for d in p.draws {
                    report.writeOffs[p.reason, default: (0, 0)].units -= d.amount
                    report.writeOffs[p.reason, default: (0, 0)].value -= d.amount * (try lot(d.lot).valuePerUnit)
                }
            default: break
            }
        }
        return report
    }
}
