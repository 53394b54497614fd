/// The body of one kind of event: its type, its schema version and its exact binary form.
///
/// When a payload's fields change, its `schemaVersion` goes up and `decode` keeps reading every
/// older version, so a log written years ago still replays.
public protocol EventPayload: Sendable, Equatable {
    static var type: EventType { get }
    static var schemaVersion: UInt8 { get }
    func encode(into w: inout ByteWriter)
    static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self
    /// The fields as the command line, exports and the API show them.
    var json: [(String, JSONValue)] { get }
}

/// A quantity (or an amount of cash) taken from one lot, chosen when the event was decided.
public struct Draw: Sendable, Equatable, Hashable {
    /// The lot: the position of the intake event that created it.
    public var lot: UInt64
    /// Units of goods, or kopecks of cash; negative for an adjustment that removes.
    public var amount: Int64

    public init(lot: UInt64, amount: Int64) {
        self.lot = lot
        self.amount = amount
    }

    static func write(_ w: inout ByteWriter, _ d: Draw) {
        w.varint(d.lot)
        w.int(d.amount)
    }

    static func read(_ r: inout ByteReader) throws -> Draw {
        Draw(lot: try r.varint(), amount: try r.int())
    }

    var json: JSONValue { .object([("lot", .int(lot)), ("amount", .int(amount))]) }
}

/// The type of an event, with its stable number in the log and its name in exports.
public enum EventType: UInt16, Sendable, CaseIterable {
    case donorRegistered = 1
    case siteRegistered = 2
    case itemRegistered = 3
    case campaignCreated = 4
    case campaignUpdated = 8
    case recipientRegistered = 5
    case recipientUpdated = 6
    case recipientErased = 7
    case goodsReceived = 10
    case cashReceived = 11
    case goodsIssued = 20
    case cashGranted = 21
    case stockTransferred = 22
    case stockAdjusted = 23
    case eventVoided = 30

    /// The name shown in logs and exports, and accepted by `log --type`.
    public var name: String {
        switch self {
        case .donorRegistered: "donor_registered"
        case .siteRegistered: "site_registered"
        case .itemRegistered: "item_registered"
        case .campaignCreated: "campaign_created"
        case .campaignUpdated: "campaign_updated"
        case .recipientRegistered: "recipient_registered"
        case .recipientUpdated: "recipient_updated"
        case .recipientErased: "recipient_erased"
        case .goodsReceived: "goods_received"
        case .cashReceived: "cash_received"
        case .goodsIssued: "goods_issued"
        case .cashGranted: "cash_granted"
        case .stockTransferred: "stock_transferred"
        case .stockAdjusted: "stock_adjusted"
        case .eventVoided: "event_voided"
        }
    }

    public init?(name: String) {
        guard let t = EventType.allCases.first(where: { $0.name == name }) else { return nil }
        self = t
    }

    /// Whether a later `event_voided` may reverse an event of this type.
    public var isVoidable: Bool {
        switch self {
        case .goodsReceived, .cashReceived, .goodsIssued, .cashGranted, .stockTransferred, .stockAdjusted: true
        default: false
        }
    }
}

extension JSONValue {
    static func date(_ d: BusinessDate?) -> JSONValue { d.map { .string($0.description) } ?? .null }
    static func optional(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
}

extension ByteWriter {
    mutating func date(_ d: BusinessDate) { int(Int64(d.day)) }
}

extension ByteReader {
    @inline(__always)
    mutating func date() throws -> BusinessDate {
        let d = try int()
        guard let day = Int32(exactly: d) else { throw DecodeError.invalid("a date out of range", at: offset) }
        return BusinessDate(day: day)
    }
}
