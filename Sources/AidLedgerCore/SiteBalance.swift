/// The stock at a site, lot by lot, with each lot's donor, earmark and expiry.
public struct SiteBalance: Sendable {
    public let site: SiteRegistered
    public let lots: [Entry]
    /// Units and value on hand per item.
    public let totals: [(item: String, units: Int64, value: Int64)]

    public struct Entry: Sendable {
        public let item: String
        public let lot: Lot
        public let quantity: Int64
        public let value: Int64

        init(item: String, lot: Lot, quantity: Int64) throws(LedgerError) {
            (self.item, self.lot, self.quantity) = (item, lot, quantity)
            value = try quantity.multiplied(by: lot.valuePerUnit, describing: "the value of lot #\(lot.id) on hand")
        }

        public var json: JSONValue {
            .object([
                ("item", .string(item)), ("lot", .int(lot.id)), ("quantity", .int(quantity)), ("donor", .string(lot.donor)),
                ("campaign", .optional(lot.campaign)), ("for_category", .optional(lot.forCategory?.rawValue)), ("expires", .date(lot.expires)), ("value_per_unit_kopecks", .int(lot.valuePerUnit)),
                ("value_kopecks", .int(value)),
            ])
        }
    }

    init(site: SiteRegistered, lots: [Entry]) throws(LedgerError) {
        var totals: [(item: String, units: Int64, value: Int64)] = []
        for e in lots {
            guard let i = totals.firstIndex(where: { $0.item == e.item }) else {
                totals.append((e.item, e.quantity, e.value))
                continue
            }
            try Int64.add(e.quantity, to: &totals[i].units, describing: "the units of \(e.item) on hand at \(site.site)")
            try Int64.add(e.value, to: &totals[i].value, describing: "the value of \(e.item) on hand at \(site.site)")
        }
        (self.site, self.lots, self.totals) = (site, lots, totals)
    }

    public var json: JSONValue {
        .object([
            ("site", .string(site.site)), ("name", .string(site.name)),
            ("items", .array(totals.map { .object([("item", .string($0.item)), ("units", .int($0.units)), ("value_kopecks", .int($0.value))]) })),
            ("lots", .array(lots.map(\.json))),
        ])
    }

    /// The lots that expire within `days` days of `day` (already expired ones included), soonest first.
    public func expiring(within days: Int, of day: BusinessDate) -> [Entry] {
        let limit = day.adding(days: days)
        return lots.filter { $0.lot.expires.map { $0 <= limit } ?? false }.sorted { $0.lot.expires! < $1.lot.expires! }
    }
}
