/// A donor's delivery of goods to a site. The event's position is the id of the lot it creates;
/// the lot keeps its donor, earmarks, value and expiry for its whole life.
///
/// Schema 2 adds `forCategory` (schema 1 records have none).
public struct GoodsReceived: EventPayload {
    public static let type = EventType.goodsReceived
    public static let schemaVersion: UInt8 = 2

    public var donor: String
    /// When set, the lot is issued only under this campaign.
    public var campaign: String?
    public var item: String
    public var quantity: Int64
    public var valuePerUnit: Int64
    public var expires: BusinessDate?
    /// The waybill or acceptance act.
    public var document: String
    /// When set, the group the donor wants served ("families of servicemen"): the lot is issued only to recipients
    /// of this category.
    public var forCategory: RecipientCategory?

    public init(
        donor: String, campaign: String?, item: String, quantity: Int64, valuePerUnit: Int64, expires: BusinessDate?, document: String,
        forCategory: RecipientCategory? = nil
    ) {
        self.forCategory = forCategory
        self.donor = donor
        self.campaign = campaign
        self.item = item
        self.quantity = quantity
        self.valuePerUnit = valuePerUnit
        self.expires = expires
        self.document = document
    }

    public func encode(into w: inout ByteWriter) {
        w.string(donor)
        w.optional(campaign) { $0.string($1) }
        w.string(item)
        w.int(quantity)
        w.int(valuePerUnit)
        w.optional(expires) { $0.date($1) }
        w.string(document)
        w.optional(forCategory) { $0.string($1.rawValue) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        var p = Self(
            donor: try r.string(), campaign: try r.optional { try $0.string() }, item: try r.string(), quantity: try r.int(),
            valuePerUnit: try r.int(), expires: try r.optional { try $0.date() }, document: try r.string()
        )
        if version >= 2 { p.forCategory = try r.optional { try RecipientCategory.decode(&$0) } }
        return p
    }

    public var json: [(String, JSONValue)] {
        [
            ("donor", .string(donor)), ("campaign", .optional(campaign)), ("item", .string(item)), ("quantity", .int(quantity)),
            ("value_per_unit_kopecks", .int(valuePerUnit)), ("expires", .date(expires)), ("document", .string(document)),
        ] + (forCategory.map { [("for_category", .string($0.rawValue))] } ?? [])
    }
}
