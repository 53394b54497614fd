/// A change of stock at the event's site with its reason: always a delta, never "set the count to N".
public struct StockAdjusted: EventPayload {
    public static let type = EventType.stockAdjusted
    public static let schemaVersion: UInt8 = 1

    public var item: String
    /// Negative removes (damaged, expired, lost), positive adds (found, count correction).
    public var delta: Int64
    public var reason: AdjustmentReason
    public var note: String
    /// The lots changed and by how much, summing to `delta`.
    public var draws: [Draw]

    public init(item: String, delta: Int64, reason: AdjustmentReason, note: String, draws: [Draw]) {
        self.item = item
        self.delta = delta
        self.reason = reason
        self.note = note
        self.draws = draws
    }

    public func encode(into w: inout ByteWriter) {
        w.string(item)
        w.int(delta)
        w.string(reason.rawValue)
        w.string(note)
        w.array(draws, Draw.write)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(item: try r.string(), delta: try r.int(), reason: try .decode(&r), note: try r.string(), draws: try r.array(Draw.read))
    }

    public var json: [(String, JSONValue)] {
        [
            ("item", .string(item)), ("delta", .int(delta)), ("reason", .string(reason.rawValue)), ("note", .string(note)),
            ("draws", .array(draws.map(\.json))),
        ]
    }
}
