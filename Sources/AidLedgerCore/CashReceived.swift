/// A donor's cash paid into a campaign. The event's position is the id of the cash lot it creates.
public struct CashReceived: EventPayload {
    public static let type = EventType.cashReceived
    public static let schemaVersion: UInt8 = 1

    public var donor: String
    public var campaign: String
    public var amount: Int64
    public var document: String

    public init(donor: String, campaign: String, amount: Int64, document: String) {
        self.donor = donor
        self.campaign = campaign
        self.amount = amount
        self.document = document
    }

    public func encode(into w: inout ByteWriter) {
        w.string(donor)
        w.string(campaign)
        w.int(amount)
        w.string(document)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(donor: try r.string(), campaign: try r.string(), amount: try r.int(), document: try r.string())
    }

    public var json: [(String, JSONValue)] {
        [("donor", .string(donor)), ("campaign", .string(campaign)), ("amount_kopecks", .int(amount)), ("document", .string(document))]
    }
}
