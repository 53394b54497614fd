import LMDBStore

/// A period report counted one record at a time, so a report over a log of any length holds only its figures, the
/// recipients it has served (to count each once) and the lots and donors it has looked up.
struct ReportTally {
    private(set) var report: PeriodReport
    private var served = Set<String>()
    private var cashServed = Set<String>()
    /// What a report needs of a lot: its donor and its value per unit.
    private var lots: [UInt64: (donor: String, valuePerUnit: Int64)] = [:]
    private var publicDonors: [String: Bool] = [:]

    init(from: BusinessDate, to: BusinessDate, campaign: String?, site: String?, donor: String? = nil) {
        report = PeriodReport(from: from, to: to, campaign: campaign, site: site, donor: donor)
    }

    /// Counts a record of the period that no void inside the report's history reverses; the lots, donors and
    /// recipients it names are read from `ledger`'s registry in `txn`. A donor's report counts only what came from
    /// that donor: the draws on their lots (goods and cash), the recipients those draws reached, their intake.
    mutating func add(_ record: EventRecord, _ ledger: Ledger, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        let (campaign, site, donor) = (report.campaign, report.site, report.donor)
        if let site, record.site != site, !(record.event.type == .cashGranted || record.event.type == .cashReceived) { return }
        switch record.event {
        case .goodsIssued(let p):
            if let campaign, p.campaign != campaign { return }
            var reached = false
            for line in p.lines {
                for d in line.draws {
                    let l = try lot(d.lot, ledger, txn)
                    if let donor, l.donor != donor { continue }
                    reached = true
                    let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value issued")
                    func what() -> String { "the value issued in the period" }
                    try Int64.add(d.amount, to: &report.issued[line.item, default: (0, 0)].units, describing: "the units of \(line.item) issued in the period")
                    try Int64.add(value, to: &report.issued[line.item, default: (0, 0)].value, describing: what())
                    try Int64.add(value, to: &report.issuedValue, describing: what())
                    try Int64.add(value, to: &report.valueByDonor[l.donor, default: 0], describing: what())
                    if try isPublic(l.donor, ledger, txn) {
                        try Int64.add(value, to: &report.publicValue, describing: what())
                    } else {
                        try Int64.add(value, to: &report.charitableValue, describing: what())
                    }
                }
            }
            if reached { try serve(p.recipient, at: record.position, ledger, txn) }
        case .cashGranted(let p):
            if let campaign, p.campaign != campaign { return }
            if site != nil { return }  // cash is paid from a campaign, not a site
            var amount = p.amount
            if let donor {
                // The part of the grant paid from the donor's cash.
                amount = 0
                for d in p.draws {
                    guard try lot(d.lot, ledger, txn).donor == donor else { continue }
                    try Int64.add(d.amount, to: &amount, describing: "the grant's part paid by \(donor)")
                }
                guard amount > 0 else { return }
            }
            try serve(p.recipient, at: record.position, ledger, txn)
            if cashServed.insert(p.recipient).inserted { report.cashRecipients += 1 }
            try Int64.add(amount, to: &report.cashTotal, describing: "the cash aid of the period")
        case .goodsReceived(let p):
            if let campaign, p.campaign != campaign { return }
            if let donor, p.donor != donor { return }
            let value = try p.quantity.multiplied(by: p.valuePerUnit, describing: "the intake's value")
            func what() -> String { "the intake of the period from \(p.donor)" }  // made only for a refusal
            try Int64.add(p.quantity, to: &report.intake[p.donor, default: [:]][p.item, default: (0, 0)].units, describing: what())
            try Int64.add(value, to: &report.intake[p.donor, default: [:]][p.item, default: (0, 0)].value, describing: what())
        case .cashReceived(let p):
            if let campaign, p.campaign != campaign { return }
            if let donor, p.donor != donor { return }
            if site != nil { return }
            try Int64.add(p.amount, to: &report.cashIntake[p.donor, default: 0], describing: "the cash received in the period from \(p.donor)")
        case .stockAdjusted(let p) where p.delta < 0:
            if campaign != nil { return }  // write-offs belong to sites and lots, not campaigns
            for d in p.draws {
                let l = try lot(d.lot, ledger, txn)
                if let donor, l.donor != donor { continue }
                let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value written off")
                func what() -> String { "the write-offs of the period" }
                // As positive numbers: what was taken away.
                try Int64.add(try Int64(0).subtracting(d.amount, describing: what()), to: &report.writeOffs[p.reason, default: (0, 0)].units, describing: what())
                try Int64.add(try Int64(0).subtracting(value, describing: what()), to: &report.writeOffs[p.reason, default: (0, 0)].value, describing: what())
            }
        default: break
        }
    }

    /// Whether a report counts `record` at all: the report is emptied and given the record alone. The lots and donors
    /// looked up stay known for the next call.
    mutating func counts(_ record: EventRecord, _ ledger: Ledger, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Bool {
        report = PeriodReport(from: report.from, to: report.to, campaign: report.campaign, site: report.site, donor: report.donor)
        try add(record, ledger, txn)
        return !report.isEmpty
    }

    /// Counts a recipient the first time the period serves them (at `position`), with their household, category and
    /// area as they were then.
    private mutating func serve(_ id: String, at position: UInt64, _ ledger: Ledger, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
        guard served.insert(id).inserted, let r = try ledger.store.recipientAttributes(txn, id, at: position) else { return }
        report.served.recipients += 1
        if r.kind == .household { report.served.households += 1 } else { report.served.individuals += 1 }
        report.served.people += r.householdSize
        report.served.byCategory[r.category, default: 0] += 1
        report.served.byArea[r.area, default: 0] += 1
    }

    private mutating func lot(_ id: UInt64, _ ledger: Ledger, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> (donor: String, valuePerUnit: Int64) {
        if let known = lots[id] { return known }
        let l = try ledger.lot(txn, id)
        lots[id] = (l.donor, l.valuePerUnit)
        return (l.donor, l.valuePerUnit)
    }

    private mutating func isPublic(_ donor: String, _ ledger: Ledger, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Bool {
        if let known = publicDonors[donor] { return known }
        let known = try ledger.donor(txn, donor).kind.isPublicFunding
        publicDonors[donor] = known
        return known
    }
}
