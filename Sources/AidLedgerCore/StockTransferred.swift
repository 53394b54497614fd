/// Stock moved from the event's site to another; the lots keep their donor, earmark and expiry.
public struct StockTransferred: EventPayload {
    public static let type = EventType.stockTransferred
    public static let schemaVersion: UInt8 = 1

    public var toSite: String
    public var item: String
    public var quantity: Int64
    public var draws: [Draw]

    public init(toSite: String, item: String, quantity: Int64, draws: [Draw]) {
        self.toSite = toSite
        self.item = item
        self.quantity = quantity
        self.draws = draws
    }

    public func encode(into w: inout ByteWriter) {
        w.string(toSite)
        w.string(item)
        w.int(quantity)
        w.array(draws, Draw.write)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(toSite: try r.string(), item: try r.string(), quantity: try r.int(), draws: try r.array(Draw.read))
    }

    public var json: [(String, JSONValue)] {
        [("to_site", .string(toSite)), ("item", .string(item)), ("quantity", .int(quantity)), ("draws", .array(draws.map(\.json)))]
    }
}
