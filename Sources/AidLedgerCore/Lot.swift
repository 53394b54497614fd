/// A lot: what one intake brought, kept for its whole life wherever its units move.
/// Its id is the position of the intake event.
public struct Lot: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case goods = 1, cash = 2 }

    public var id: UInt64
    public var kind: Kind
    public var donor: String
    /// The campaign the donor earmarked it for (always set for cash).
    public var campaign: String?
    /// The item; empty for cash.
    public var item: String
    /// Where it arrived; empty for cash.
    public var site: String
    /// Units or kopecks received.
    public var quantity: Int64
    /// Kopecks per unit; 1 for cash.
    public var valuePerUnit: Int64
    public var expires: BusinessDate?
    public var received: BusinessDate
    /// The group the donor wants served: issued only to recipients of this category.
    public var forCategory: RecipientCategory? = nil

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        encode(into: &w)
        return w.bytes
    }

    /// Appends the lots' entry of the lot to `w`.
    func encode(into w: inout ByteWriter) {
        w.u8(kind.rawValue)
        w.string(donor)
        w.optional(campaign) { $0.string($1) }
        w.string(item)
        w.string(site)
        w.int(quantity)
        w.int(valuePerUnit)
        w.optional(expires) { $0.date($1) }
        w.date(received)
        // Only when set: the entries of lots without one keep the bytes they always had.
        if let forCategory { w.string(forCategory.rawValue) }
    }

    static func decode(id: UInt64, _ bytes: [UInt8]) throws -> Lot {
        try ByteReader.reading(bytes) { r in
            guard let kind = Kind(rawValue: try r.u8()) else { throw DecodeError.invalid("an unknown lot kind", at: 0) }
            var lot = Lot(
                id: id, kind: kind, donor: try r.string(), campaign: try r.optional { try $0.string() }, item: try r.string(),
                site: try r.string(), quantity: try r.int(), valuePerUnit: try r.int(), expires: try r.optional { try $0.date() },
                received: try r.date())
            if !r.isAtEnd { lot.forCategory = try RecipientCategory.decode(&r) }
            return lot
        }
    }
}

extension Lot {
    /// The lot an intake event brought, or nil when the record is no intake.
    init?(intake record: EventRecord) {
        switch record.event {
        case .goodsReceived(let p):
            self.init(
                id: record.position, kind: .goods, donor: p.donor, campaign: p.campaign, item: p.item, site: record.site,
                quantity: p.quantity, valuePerUnit: p.valuePerUnit, expires: p.expires, received: record.businessDate, forCategory: p.forCategory)
        case .cashReceived(let p):
            self = .cash(id: record.position, donor: p.donor, campaign: p.campaign, amount: p.amount, received: record.businessDate)
        default:
            return nil
        }
    }

    /// The lot of an intake of cash at position `id` (also read straight from its bytes: `CashIntakeReading`).
    static func cash(id: UInt64, donor: String, campaign: String, amount: Int64, received: BusinessDate) -> Lot {
        Lot(id: id, kind: .cash, donor: donor, campaign: campaign, item: "", site: "", quantity: amount, valuePerUnit: 1, expires: nil, received: received)
    }
}
