/// A recipient received cash from a campaign; the cash lots drawn (oldest first) are written in.
public struct CashGranted: EventPayload {
    public static let type = EventType.cashGranted
    public static let schemaVersion: UInt8 = 1

    public var recipient: String
    public var campaign: String
    public var amount: Int64
    public var channel: GrantChannel
    public var reference: String
    public var draws: [Draw]

    public init(recipient: String, campaign: String, amount: Int64, channel: GrantChannel, reference: String, draws: [Draw]) {
        self.recipient = recipient
        self.campaign = campaign
        self.amount = amount
        self.channel = channel
        self.reference = reference
        self.draws = draws
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.string(campaign)
        w.int(amount)
        w.string(channel.rawValue)
        w.string(reference)
        w.array(draws, Draw.write)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(
            recipient: try r.string(), campaign: try r.string(), amount: try r.int(), channel: try .decode(&r),
            reference: try r.string(), draws: try r.array(Draw.read)
        )
    }

    public var json: [(String, JSONValue)] {
        [
            ("recipient", .string(recipient)), ("campaign", .string(campaign)), ("amount_kopecks", .int(amount)),
            ("channel", .string(channel.rawValue)), ("reference", .string(reference)), ("draws", .array(draws.map(\.json))),
        ]
    }
}
