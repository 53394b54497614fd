import AidLedgerCore

/// Balances as aligned text tables, or as JSON.
enum BalancePrinter {
    static func donor(_ b: DonorBalance, json: Bool) {
        if json { return print(b.json.serialized) }
        print("Donor \(b.donor.donor) — \(b.donor.name) (\(b.donor.kind.rawValue))")
        if !b.items.isEmpty {
            Printer.table(
                ["item", "received", "issued", "written off", "found/corr.", "on hand", "received UAH", "issued UAH", "on hand UAH", "transferred"],
                b.items.map { f in
                    let off = f.adjustedUnits.values.filter { $0 < 0 }.reduce(0, +)
                    let plus = f.adjustedUnits.values.filter { $0 > 0 }.reduce(0, +)
                    return [f.item, Printer.n(f.receivedUnits), Printer.n(f.issuedUnits), Printer.n(-off), Printer.n(plus), Printer.n(f.onHandUnits),
                            Printer.uah(f.receivedValue), Printer.uah(f.issuedValue), Printer.uah(f.onHandValue), Printer.n(f.transferredUnits)]
                })
        }
        if !b.onHandBySite.isEmpty {
            print("on hand by site: " + b.onHandBySite.map { "\($0.site) \($0.item) \(Printer.n($0.units)) (\(Printer.uah($0.value)) UAH)" }.joined(separator: "; "))
        }
        if b.cashReceived != 0 || b.cashGranted != 0 {
            print("cash: received \(Printer.uah(b.cashReceived)) UAH, granted \(Printer.uah(b.cashGranted)) UAH, left \(Printer.uah(b.cashLeft)) UAH")
        }
        reach(b.reach)
    }

    static func reach(_ r: Reach) {
        guard r.recipients > 0 else { return }
        print("reached: \(Printer.n(r.recipients)) recipients (\(Printer.n(r.households)) households, \(Printer.n(r.individuals)) individuals), \(Printer.n(r.people)) people; "
            + Area.allCases.map { "\($0.rawValue) \(Printer.n(r.byArea[$0] ?? 0))" }.joined(separator: ", "))
        let categories = RecipientCategory.allCases.compactMap { c in r.byCategory[c].map { "\(c.rawValue) \(Printer.n($0))" } }
        print("by category: " + categories.joined(separator: ", "))
    }

    static func campaign(_ b: CampaignBalance, json: Bool) {
        if json { return print(b.json.serialized) }
        print("Campaign \(b.campaign.campaign) — \(b.campaign.name), \(b.campaign.starts) to \(b.campaign.ends)")
        let c = b.campaign
        print("funded by: \(c.donors.joined(separator: ", ").ifEmpty("no donor named"))")
        print("gives: \(c.items.joined(separator: ", ").ifEmpty("nothing named"))")
        print("rules: \(c.rules.map(\.description).joined(separator: " ").ifEmpty("none"))")
        print("cash: received \(Printer.uah(b.cashReceived)) UAH, granted \(Printer.uah(b.cashGranted)) UAH in \(Printer.n(b.grants)) grants, left \(Printer.uah(b.cashLeft)) UAH")
        print("issuances: \(Printer.n(b.issuances))")
        if !b.items.isEmpty {
            Printer.table(["item", "issued", "value UAH"], b.items.map { [$0.item, Printer.n($0.units), Printer.uah($0.value)] })
        }
        reach(b.reach)
    }

    static func site(_ b: SiteBalance, json: Bool, expiringWithin days: Int? = nil) {
        if let days {
            let soon = b.expiring(within: days, of: BusinessDate.today())
            if json { return print(JSONValue.object([("site", .string(b.site.site)), ("expiring", .array(soon.map(\.json)))]).serialized) }
            print("Site \(b.site.site): lots expiring within \(days) days")
            return Printer.table(["lot", "item", "on hand", "donor", "expires"], soon.map { ["#\($0.lot.id)", $0.item, Printer.n($0.quantity), $0.lot.donor, $0.lot.expires!.description] })
        }
        if json { return print(b.json.serialized) }
        print("Site \(b.site.site) — \(b.site.name), \(b.site.settlement) (\(b.site.area.rawValue))")
        if b.lots.isEmpty { return print("no stock") }
        Printer.table(["item", "on hand", "value UAH"], b.totals.map { [$0.item, Printer.n($0.units), Printer.uah($0.value)] })
        print("")
        Printer.table(
            ["lot", "item", "on hand", "donor", "earmark", "expires"],
            b.lots.map { ["#\($0.lot.id)", $0.item, Printer.n($0.quantity), $0.lot.donor, Printer.earmark($0.lot), $0.lot.expires?.description ?? "-"] })
    }

    static func recipient(_ b: RecipientBalance, json: Bool) {
        if json { return print(b.json.serialized) }
        let r = b.recipient
        print("Recipient \(r.recipient) — \(r.kind.rawValue) of \(r.householdSize), \(r.category.rawValue), \(r.settlement) (\(r.area.rawValue))")
        for c in b.profileChanges { print("changed at #\(c.position): \(c.change.before.description) → \(c.change.after.description)") }
        let span = b.firstIssuance.map { "; first \($0), last \(b.lastIssuance!)" } ?? ""
        print("issuances: \(Printer.n(b.issuances))\(span); cash: \(Printer.uah(b.cash)) UAH in \(Printer.n(b.grants)) grants")
        if !b.items.isEmpty {
            Printer.table(["item", "received", "value UAH"], b.items.map { [$0.item, Printer.n($0.units), Printer.uah($0.value)] })
            print("")
            Printer.table(["by", "campaign/donor", "item", "units", "value UAH"],
                b.byCampaign.map { ["campaign", $0.id, $0.item, Printer.n($0.units), Printer.uah($0.value)] }
                + b.byDonor.map { ["donor", $0.id, $0.item, Printer.n($0.units), Printer.uah($0.value)] })
        }
        for c in b.cashByCampaign { print("cash from campaign \(c.id): \(Printer.uah(c.amount)) UAH") }
        for c in b.cashByDonor { print("cash from donor \(c.id): \(Printer.uah(c.amount)) UAH") }
        for e in b.entitlements {
            let when = e.eligibleToday ? "may receive today" : "may receive again on \(e.nextEligible)"
            let r = e.rule
            print("\(e.campaign), \(r.item): \(r.quantity) per \(r.scope.rawValue) every \(r.periodDays) days; received \(e.receivedInPeriod) of \(e.limit) in the last \(r.periodDays) days; \(when)")
        }
    }
}
