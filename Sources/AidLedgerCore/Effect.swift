/// What an event changes in the stock, the campaigns' cash, the running totals and its recipient's summary.
///
/// Projecting an event adds its effects; voiding it subtracts the same effects (`sign` -1), so a void needs
/// no rule of its own and a replay needs no policy code. The effects are handed over one at a time, not gathered
/// into arrays first: an event's handful of changes would otherwise cost as many allocations.
enum Effect {
    case stock(site: String, item: String, lot: UInt64, delta: Int64)
    case cash(campaign: String, lot: UInt64, delta: Int64)
    /// A running total, named by its parts.
    case total(CounterName, delta: Int64)
    /// An entity whose version becomes this event's position.
    case touched(LedgerStore.Kind, String)
    /// The event's recipient: the changes that follow are theirs.
    case recipient(String)
    /// Goods they received, by campaign and by the lot's donor.
    case goods(campaign: String, donor: String, item: String, units: Int64, value: Int64)
    /// Cash they received, by campaign and by the lot's donor.
    case grant(campaign: String, donor: String, amount: Int64)
    /// A line issued to them (added by the event, removed by its void).
    case issued(campaign: String, item: String, day: BusinessDate, position: UInt64, quantity: Int64)
    case counts(issuances: Int64, grants: Int64)
    /// A donor or campaign that reached them through this event (once per event), for the distinct counts.
    case reach(RecipientSummary.Scope, String)

    /// Whether it changes the recipient's summary (rather than a counter or a version).
    var isOnSummary: Bool {
        switch self {
        case .stock, .cash, .total, .touched: false
        case .recipient, .goods, .grant, .issued, .counts, .reach: true
        }
    }

    /// Hands the effects of `record`, times `sign`, to `handle`. `lot` looks up the lots its draws name
    /// (for their donor and value).
    static func visit(
        _ record: EventRecord, sign: Int64, lot: (UInt64) throws -> Lot, _ handle: (consuming Effect) throws -> Void
    ) throws {
        switch record.event {
        case .donorRegistered(let p): try handle(.touched(.donor, p.donor))
        case .siteRegistered(let p): try handle(.touched(.site, p.site))
        case .itemRegistered(let p): try handle(.touched(.item, p.item))
        case .campaignCreated(let p): try handle(.touched(.campaign, p.campaign))
        case .campaignUpdated(let p): try handle(.touched(.campaign, p.campaign))
        case .recipientRegistered(let p): try handle(.touched(.recipient, p.recipient))
        case .recipientUpdated(let p): try handle(.touched(.recipient, p.recipient))
        case .recipientErased(let p): try handle(.touched(.recipient, p.recipient))
        case .goodsReceived(let p):
            let value = try p.quantity.multiplied(by: p.valuePerUnit, describing: "the value of the intake")
            try handle(.stock(site: record.site, item: p.item, lot: record.position, delta: sign * p.quantity))
            try handle(.total(CounterName("donor", p.donor, "item", p.item, "received_units"), delta: sign * p.quantity))
            try handle(.total(CounterName("donor", p.donor, "item", p.item, "received_value"), delta: sign * value))
            try handle(.touched(.site, record.site))
        case .cashReceived(let p):
            try handle(.cash(campaign: p.campaign, lot: record.position, delta: sign * p.amount))
            try handle(.total(CounterName("donor", p.donor, "cash", "received"), delta: sign * p.amount))
            try handle(.total(CounterName("campaign", p.campaign, "cash", "received"), delta: sign * p.amount))
            try handle(.touched(.campaign, p.campaign))
        case .goodsIssued(let p):
            try handle(.recipient(p.recipient))
            try handle(.counts(issuances: sign, grants: 0))
            // Each donor reaches the recipient once per event, however many lots of theirs it draws.
            var draws = 0
            for i in p.lines.indices { draws += p.lines[i].draws.count }
            var donors: [String] = []
            // Lines and draws read in place by index: a `for` over them copied each line (counting its draws' array).
            for i in p.lines.indices {
                let item = p.lines[i].item
                for j in p.lines[i].draws.indices {
                    let d = p.lines[i].draws[j]
                    let l = try lot(d.lot)
                    let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value issued")
                    try handle(.stock(site: record.site, item: item, lot: d.lot, delta: -sign * d.amount))
                    try handle(.total(CounterName("donor", l.donor, "item", item, "issued_units"), delta: sign * d.amount))
                    try handle(.total(CounterName("donor", l.donor, "item", item, "issued_value"), delta: sign * value))
                    try handle(.total(CounterName("campaign", p.campaign, "item", item, "issued_units"), delta: sign * d.amount))
                    try handle(.total(CounterName("campaign", p.campaign, "item", item, "issued_value"), delta: sign * value))
                    try handle(.goods(campaign: p.campaign, donor: l.donor, item: item, units: sign * d.amount, value: sign * value))
                    if draws == 1 {
                        try handle(.reach(.donor, l.donor))
                    } else if !donors.contains(l.donor) {
                        donors.append(l.donor)
                        try handle(.reach(.donor, l.donor))
                    }
                }
                try handle(.issued(campaign: p.campaign, item: item, day: record.businessDate, position: record.position, quantity: p.lines[i].quantity))
            }
            try handle(.reach(.campaign, p.campaign))
            try handle(.total(CounterName("campaign", p.campaign, "issuances"), delta: sign))
            try handle(.touched(.recipient, p.recipient))
            try handle(.touched(.site, record.site))
            try handle(.touched(.campaign, p.campaign))
        case .cashGranted(let p):
            try handle(.recipient(p.recipient))
            try handle(.counts(issuances: 0, grants: sign))
            var donors: [String] = []
            for d in p.draws {
                let donor = try lot(d.lot).donor
                try handle(.cash(campaign: p.campaign, lot: d.lot, delta: -sign * d.amount))
                try handle(.total(CounterName("donor", donor, "cash", "granted"), delta: sign * d.amount))
                try handle(.grant(campaign: p.campaign, donor: donor, amount: sign * d.amount))
                if p.draws.count == 1 {
                    try handle(.reach(.donor, donor))
                } else if !donors.contains(donor) {
                    donors.append(donor)
                    try handle(.reach(.donor, donor))
                }
            }
            try handle(.reach(.campaign, p.campaign))
            try handle(.total(CounterName("campaign", p.campaign, "cash", "granted"), delta: sign * p.amount))
            try handle(.total(CounterName("campaign", p.campaign, "grants"), delta: sign))
            try handle(.touched(.recipient, p.recipient))
            try handle(.touched(.campaign, p.campaign))
        case .stockTransferred(let p):
            for d in p.draws {
                try handle(.stock(site: record.site, item: p.item, lot: d.lot, delta: -sign * d.amount))
                try handle(.stock(site: p.toSite, item: p.item, lot: d.lot, delta: sign * d.amount))
                try handle(.total(CounterName("donor", try lot(d.lot).donor, "item", p.item, "transferred_units"), delta: sign * d.amount))
            }
            try handle(.touched(.site, record.site))
            try handle(.touched(.site, p.toSite))
        case .stockAdjusted(let p):
            for d in p.draws {
                let l = try lot(d.lot)
                let value = try d.amount.multiplied(by: l.valuePerUnit, describing: "the value adjusted")
                try handle(.stock(site: record.site, item: p.item, lot: d.lot, delta: sign * d.amount))
                try handle(.total(CounterName("donor", l.donor, "item", p.item, "adjusted_units", p.reason.rawValue), delta: sign * d.amount))
                try handle(.total(CounterName("donor", l.donor, "item", p.item, "adjusted_value", p.reason.rawValue), delta: sign * value))
            }
            try handle(.touched(.site, record.site))
        case .eventVoided:
            break  // a void's effects are its target's, negated: see Ledger.project
        }
    }
}
