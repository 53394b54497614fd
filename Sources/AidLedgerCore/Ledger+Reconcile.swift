import LMDBStore

extension Ledger {
    /// Checks the books' identities, as of `point`:
    ///
    /// - per donor and item, units and value: received − issued + adjustments (found +, written off −) = on hand,
    ///   where on hand is counted independently, lot by lot, from the stock at every site
    ///   (transfers move stock between sites and cancel out);
    /// - per campaign, cash: received − granted = left, left counted from the campaign's cash lots;
    /// - per item: the units and value recipients received = what donors issued = what campaigns issued;
    ///   and cash: recipients' total = donors' granted total = campaigns' granted total.
    public func reconcile(as point: AsOf = .head) throws(LedgerError) -> ReconcileReport {
        try atPoint(point) { txn in try reconcile(in: txn) }
    }

    func reconcile(in txn: borrowing some KeyValueStore & ~Copyable) throws -> ReconcileReport {
        // Every counter, by its name parts.
        var totals: [[String]: Int64] = [:]
        try txn.forEach(store.totals, prefix: []) { k, v in
            totals[k.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }] = Int64(bitPattern: LedgerStore.readBE64(v))
            return true
        }
        // Stock on hand, lot by lot, by donor and item.
        var onHand: [String: (units: Int64, value: Int64)] = [:]
        var lots: [UInt64: Lot] = [:]
        try txn.forEach(store.lots, prefix: []) { k, v in
            let id = LedgerStore.readBE64(k)
            lots[id] = try Lot.decode(id: id, Array(v))
            return true
        }
        try txn.forEach(store.stock, prefix: []) { k, v in
            let lotID = LedgerStore.readBE64(k.suffix(8))
            let units = Int64(bitPattern: LedgerStore.readBE64(v))
            guard let lot = lots[lotID] else { throw LedgerError(.corruptRecord, "stock names lot #\(lotID), which does not exist") }
            let key = lot.donor + "\u{0}" + lot.item
            func what() -> String { "what \(lot.donor) has on hand of \(lot.item)" }  // made only for a refusal
            try Int64.add(units, to: &onHand[key, default: (0, 0)].units, describing: what())
            try Int64.add(try units.multiplied(by: lot.valuePerUnit, describing: what()), to: &onHand[key, default: (0, 0)].value, describing: what())
            return true
        }
        var cashLeft: [String: Int64] = [:]
        try txn.forEach(store.cash, prefix: []) { k, v in
            let campaign = String(decoding: k.dropLast(9), as: UTF8.self)
            try Int64.add(Int64(bitPattern: LedgerStore.readBE64(v)), to: &cashLeft[campaign, default: 0], describing: "the cash \(campaign) has left")
            return true
        }

        // What recipients received, summed over every recipient.
        var recipientsGoods: [String: (units: Int64, value: Int64)] = [:]
        var recipientsCash: Int64 = 0
        try txn.forEach(store.recipients, prefix: []) { _, v in
            let summary = try RecipientSummary(decoding: Array(v))
            for g in summary.sharesByCampaign {
                func what() -> String { "what recipients received of \(g.item)" }
                try Int64.add(g.units, to: &recipientsGoods[g.item, default: (0, 0)].units, describing: what())
                try Int64.add(g.value, to: &recipientsGoods[g.item, default: (0, 0)].value, describing: what())
            }
            try Int64.add(try summary.cash(), to: &recipientsCash, describing: "the cash recipients received")
            return true
        }

        var rows: [ReconcileReport.Row] = []
        func sum(_ match: ([String]) -> Bool) throws(LedgerError) -> Int64 {
            try Int64.sum(totals.filter { match($0.key) }.values, describing: "a sum of running totals")
        }

        // Donor and item: received − issued + adjustments = on hand.
        var pairs = Set<[String]>()
        for key in totals.keys where key.count >= 5 && key[0] == "donor" && key[2] == "item" { pairs.insert([key[1], key[3]]) }
        for key in onHand.keys { pairs.insert(key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)) }
        for pair in pairs.sorted(by: { $0.joined(separator: "/") < $1.joined(separator: "/") }) {
            let (donor, item) = (pair[0], pair[1])
            for (unit, suffix) in [("units", "units"), ("UAH", "value")] {
                let received = totals[["donor", donor, "item", item, "received_\(suffix)"]] ?? 0
                let issued = totals[["donor", donor, "item", item, "issued_\(suffix)"]] ?? 0
                let adjusted = try sum { $0.count == 6 && $0[0] == "donor" && $0[1] == donor && $0[3] == item && $0[4] == "adjusted_\(suffix)" }
                let counted = unit == "units" ? onHand[donor + "\u{0}" + item]?.units ?? 0 : onHand[donor + "\u{0}" + item]?.value ?? 0
                rows.append(.init(
                    check: "donor goods", subject: "\(donor) \(item)", unit: unit,
                    expected: try received.subtracting(issued, describing: "\(donor)'s \(item)").adding(adjusted, describing: "\(donor)'s \(item)"), actual: counted,
                    detail: "received \(received) − issued \(issued) + adjusted \(adjusted) = on hand \(counted)"))
            }
        }
        // Campaign cash: received − granted = left.
        var campaigns = Set(cashLeft.keys)
        for key in totals.keys where key.count == 4 && key[0] == "campaign" && key[2] == "cash" { campaigns.insert(key[1]) }
        for campaign in campaigns.sorted() {
            let received = totals[["campaign", campaign, "cash", "received"]] ?? 0
            let granted = totals[["campaign", campaign, "cash", "granted"]] ?? 0
            let left = cashLeft[campaign] ?? 0
            rows.append(.init(
                check: "campaign cash", subject: campaign, unit: "kopecks", expected: try received.subtracting(granted, describing: "\(campaign)'s cash"), actual: left,
                detail: "received \(received) − granted \(granted) = left \(left)"))
        }
        // Cross-sums: recipients = donors = campaigns.
        var items = Set<String>()
        for key in totals.keys where key.count == 5 && key[0] == "donor" && key[2] == "item" { items.insert(key[3]) }
        items.formUnion(recipientsGoods.keys)
        for item in items.sorted() {
            for (unit, r, d) in [("units", "units", "issued_units"), ("UAH", "value", "issued_value")] {
                let recipients = r == "units" ? recipientsGoods[item]?.units ?? 0 : recipientsGoods[item]?.value ?? 0
                let donors = try sum { $0.count == 5 && $0[0] == "donor" && $0[2] == "item" && $0[3] == item && $0[4] == d }
                let campaigns = try sum { $0.count == 5 && $0[0] == "campaign" && $0[2] == "item" && $0[3] == item && $0[4] == d }
                rows.append(.init(check: "issued: recipients = donors", subject: item, unit: unit, expected: recipients, actual: donors,
                                  detail: "recipients \(recipients) = donors \(donors)"))
                rows.append(.init(check: "issued: recipients = campaigns", subject: item, unit: unit, expected: recipients, actual: campaigns,
                                  detail: "recipients \(recipients) = campaigns \(campaigns)"))
            }
        }
        let donorsCash = try sum { $0.count == 4 && $0[0] == "donor" && $0[2] == "cash" && $0[3] == "granted" }
        let campaignsCash = try sum { $0.count == 4 && $0[0] == "campaign" && $0[2] == "cash" && $0[3] == "granted" }
        rows.append(.init(check: "cash: recipients = donors", subject: "all", unit: "kopecks", expected: recipientsCash, actual: donorsCash,
                          detail: "recipients \(recipientsCash) = donors \(donorsCash)"))
        rows.append(.init(check: "cash: recipients = campaigns", subject: "all", unit: "kopecks", expected: recipientsCash, actual: campaignsCash,
                          detail: "recipients \(recipientsCash) = campaigns \(campaignsCash)"))
        return ReconcileReport(rows: rows)
    }
}
