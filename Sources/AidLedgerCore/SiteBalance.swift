/// The stock at a site, lot by lot, with each lot's donor, earmark and expiry.
public struct SiteBalance: Sendable {
    public var site: SiteRegistered
    public var lots: [Entry]

    public struct Entry: Sendable {
        public var item: String
        public var lot: Lot
        public var quantity: Int64
        public var value: Int64 { quantity * lot.valuePerUnit }

        public var json: JSONValue {
            .object([
                ("item", .string(item)), ("lot", .int(lot.id)), ("quantity", .int(quantity)), ("donor", .string(lot.donor)),
                ("campaign", .optional(lot.campaign)), ("expires", .date(lot.expires)), ("value_per_unit_kopecks", .int(lot.valuePerUnit)),
                ("value_kopecks", .int(value)),
            ])
        }
    }

    /// Units on hand per item.
    public var totals: [(item: String, units: Int64, value: Int64)] {
        var out: [(String, Int64, Int64)] = []
        for e in lots {
            if let i = out.firstIndex(where: { $0.0 == e.item }) {
                out[i].1 += e.quantity
                out[i].2 += e.value
            } else {
                out.append((e.item, e.quantity, e.value))
            }
        }
        return out
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
