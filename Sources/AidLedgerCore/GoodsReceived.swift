/// A donor's delivery of goods to a site. The event's position is the id of the lot it creates;
/// the lot keeps its donor, earmark, value and expiry for its whole life.
public struct GoodsReceived: EventPayload {
    public static let type = EventType.goodsReceived
    public static let schemaVersion: UInt8 = 1

    public var donor: String
    /// When set, the lot is issued only under this campaign.
    public var campaign: String?
    public var item: String
    public var quantity: Int64
    public var valuePerUnit: Int64
    public var expires: BusinessDate?
    /// The waybill or acceptance act.
    public var document: String

    public init(donor: String, campaign: String?, item: String, quantity: Int64, valuePerUnit: Int64, expires: BusinessDate?, document: String) {
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
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(
            donor: try r.string(), campaign: try r.optional { try $0.string() }, item: try r.string(), quantity: try r.int(),
            valuePerUnit: try r.int(), expires: try r.optional { try $0.date() }, document: try r.string()
        )
    }

    public var json: [(String, JSONValue)] {
        [
            ("donor", .string(donor)), ("campaign", .optional(campaign)), ("item", .string(item)), ("quantity", .int(quantity)),
            ("value_per_unit_kopecks", .int(valuePerUnit)), ("expires", .date(expires)), ("document", .string(document)),
        ]
    }
}
