/// What an event changes in the stock, the campaigns' cash and the running totals.
///
/// Projecting an event adds its effects; voiding it subtracts the same effects, so a void needs
/// no rule of its own and a replay needs no policy code.
struct Effects {
    var stock: [(site: String, item: String, lot: UInt64, delta: Int64)] = []
    var cash: [(campaign: String, lot: UInt64, delta: Int64)] = []
    /// Counter name parts and the amount to add.
    var totals: [(key: [UInt8], delta: Int64)] = []
    /// Entities whose version becomes this event's position.
    var touched: [(LedgerStore.Kind, String)] = []
    /// What changes for the event's recipient, if it has one.
    var recipient: RecipientEffects?
    /// Donors and campaigns that reached the recipient through this event (for distinct counts).
    var reach: [(scope: RecipientSummary.Scope, id: String)] = []
    /// +1 for the event itself, -1 for its void.
    var sign: Int64 = 1

    /// The effects of `record`. `lot` looks up the lots its draws name (for their donor and value).
    init(of record: EventRecord, lot: (UInt64) throws -> Lot) throws {
        switch record.event {
        case .donorRegistered(let p): touched = [(.donor, p.donor)]
        case .siteRegistered(let p): touched = [(.site, p.site)]
        case .itemRegistered(let p): touched = [(.item, p.item)]
        case .campaignCreated(let p): touched = [(.campaign, p.campaign)]
        case .recipientRegistered(let p): touched = [(.recipient, p.recipient)]
        case .recipientUpdated(let p): touched = [(.recipient, p.recipient)]
        case .recipientErased(let p): touched = [(.recipient, p.recipient)]
        case .goodsReceived(let p):
            stock = [(record.site, p.item, record.position, p.quantity)]
            let value = try p.quantity.multiplied(by: p.valuePerUnit, describing: "the value of the intake")
            totals = [
                (LedgerStore.joined("donor", p.donor, "item", p.item, "received_units"), p.quantity),
                (LedgerStore.joined("donor", p.donor, "item", p.item, "received_value"), value),
            ]
            touched = [(.site, record.site)]
        case .cashReceived(let p):
            cash = [(p.campaign, record.position, p.amount)]
            totals = [(LedgerStore.joined("donor", p.donor, "cash", "received"), p.amount), (LedgerStore.joined("campaign", p.campaign, "cash", "received"), p.amount)]
            touched = [(.campaign, p.campaign)]
        case .goodsIssued(let p):
            var mine = RecipientEffects(id: p.recipient, issuances: 1)
            totals.reserveCapacity(4 * p.lines.count + 1)
            for line in p.lines {
                for d in line.draws {
                    let l = try lot(d.lot)
                    let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value issued")
                    stock.append((record.site, line.item, d.lot, -d.amount))
                    totals.append((LedgerStore.joined("donor", l.donor, "item", line.item, "issued_units"), d.amount))
                    totals.append((LedgerStore.joined("donor", l.donor, "item", line.item, "issued_value"), value))
                    totals.append((LedgerStore.joined("campaign", p.campaign, "item", line.item, "issued_units"), d.amount))
                    totals.append((LedgerStore.joined("campaign", p.campaign, "item", line.item, "issued_value"), value))
                    mine.goods.append((p.campaign, l.donor, line.item, d.amount, value))
                    if !reach.contains(where: { $0 == (.donor, l.donor) }) { reach.append((.donor, l.donor)) }
                }
                mine.history.append((p.campaign, line.item, record.businessDate, record.position, line.quantity))
            }
            reach.append((.campaign, p.campaign))
            recipient = mine
            totals.append((LedgerStore.joined("campaign", p.campaign, "issuances"), 1))
            touched = [(.recipient, p.recipient), (.site, record.site), (.campaign, p.campaign)]
        case .cashGranted(let p):
            var mine = RecipientEffects(id: p.recipient, grants: 1)
            for d in p.draws {
                let donor = try lot(d.lot).donor
                cash.append((p.campaign, d.lot, -d.amount))
                totals.append((LedgerStore.joined("donor", donor, "cash", "granted"), d.amount))
                mine.cash.append((p.campaign, donor, d.amount))
                if !reach.contains(where: { $0 == (.donor, donor) }) { reach.append((.donor, donor)) }
            }
            reach.append((.campaign, p.campaign))
            recipient = mine
            totals += [(LedgerStore.joined("campaign", p.campaign, "cash", "granted"), p.amount), (LedgerStore.joined("campaign", p.campaign, "grants"), 1)]
            touched = [(.recipient, p.recipient), (.campaign, p.campaign)]
        case .stockTransferred(let p):
            for d in p.draws {
                stock.append((record.site, p.item, d.lot, -d.amount))
                stock.append((p.toSite, p.item, d.lot, d.amount))
                totals.append((LedgerStore.joined("donor", try lot(d.lot).donor, "item", p.item, "transferred_units"), d.amount))
            }
            touched = [(.site, record.site), (.site, p.toSite)]
        case .stockAdjusted(let p):
            for d in p.draws {
                let l = try lot(d.lot)
                stock.append((record.site, p.item, d.lot, d.amount))
                totals += [
                    (LedgerStore.joined("donor", l.donor, "item", p.item, "adjusted_units", p.reason.rawValue), d.amount),
                    (LedgerStore.joined("donor", l.donor, "item", p.item, "adjusted_value", p.reason.rawValue),
                      try d.amount.multiplied(by: l.valuePerUnit, describing: "the value adjusted")),
                ]
            }
            touched = [(.site, record.site)]
        case .eventVoided:
            break  // a void's effects are its target's, negated: see Ledger.project
        }
    }

    /// The same effects with every amount negated (what a void does).
    var negated: Effects {
        var e = self
        e.stock = stock.map { ($0.site, $0.item, $0.lot, -$0.delta) }
        e.cash = cash.map { ($0.campaign, $0.lot, -$0.delta) }
        e.totals = totals.map { ($0.key, -$0.delta) }
        e.recipient = recipient?.negated
        e.sign = -sign
        return e
    }
}

/// What one event changes for its recipient: goods and cash by campaign and donor, counts, issued lines.
struct RecipientEffects {
    var id: String
    var goods: [(campaign: String, donor: String, item: String, units: Int64, value: Int64)] = []
    var cash: [(campaign: String, donor: String, amount: Int64)] = []
    var issuances: Int64 = 0
    var grants: Int64 = 0
    /// Lines issued: added by the event, removed by its void.
    var history: [(campaign: String, item: String, day: BusinessDate, position: UInt64, quantity: Int64)] = []

    var negated: RecipientEffects {
        var e = self
        e.goods = goods.map { ($0.campaign, $0.donor, $0.item, -$0.units, -$0.value) }
        e.cash = cash.map { ($0.campaign, $0.donor, -$0.amount) }
        e.issuances = -issuances
        e.grants = -grants
        return e
    }

    /// Applies these effects (negated ones for a void) to the recipient's summary.
    func apply(to s: inout RecipientSummary, sign: Int64) {
        for g in goods { s.addGoods(campaign: g.campaign, donor: g.donor, item: g.item, units: g.units, value: g.value) }
        for c in cash { s.addCash(campaign: c.campaign, donor: c.donor, amount: c.amount) }
        s.issuances += issuances
        s.grants += grants
        if sign > 0 {
            s.addIssued(history)
        } else {
            s.removeIssued(at: Set(history.map(\.position)))
        }
    }
}
