/// One fact of the ledger: the payload of a record.
public enum Event: Sendable, Equatable {
    case donorRegistered(DonorRegistered)
    case siteRegistered(SiteRegistered)
    case itemRegistered(ItemRegistered)
    case campaignCreated(CampaignCreated)
    case campaignUpdated(CampaignUpdated)
    case recipientRegistered(RecipientRegistered)
    case recipientUpdated(RecipientUpdated)
    case recipientErased(RecipientErased)
    case goodsReceived(GoodsReceived)
    case cashReceived(CashReceived)
    case goodsIssued(GoodsIssued)
    case cashGranted(CashGranted)
    case stockTransferred(StockTransferred)
    case stockAdjusted(StockAdjusted)
    case eventVoided(EventVoided)

    public var payload: any EventPayload {
        switch self {
        case .donorRegistered(let p): p
        case .siteRegistered(let p): p
        case .itemRegistered(let p): p
        case .campaignCreated(let p): p
        case .campaignUpdated(let p): p
        case .recipientRegistered(let p): p
        case .recipientUpdated(let p): p
        case .recipientErased(let p): p
        case .goodsReceived(let p): p
        case .cashReceived(let p): p
        case .goodsIssued(let p): p
        case .cashGranted(let p): p
        case .stockTransferred(let p): p
        case .stockAdjusted(let p): p
        case .eventVoided(let p): p
        }
    }

    public var type: EventType { Swift.type(of: payload).type }
    public var schemaVersion: UInt8 { Swift.type(of: payload).schemaVersion }

    /// Reads a payload of `type` written under `version`.
    public static func decode(type code: UInt16, version: UInt8, from r: inout ByteReader) throws -> Event {
        guard let type = EventType(rawValue: code) else { throw DecodeError.unknownEventType(code) }
        func read<P: EventPayload>(_: P.Type) throws -> P {
            guard version >= 1, version <= P.schemaVersion else {
                throw DecodeError.unsupportedSchemaVersion(type: type.name, version: version)
            }
            return try P.decode(&r, version: version)
        }
        switch type {
        case .donorRegistered: return .donorRegistered(try read(DonorRegistered.self))
        case .siteRegistered: return .siteRegistered(try read(SiteRegistered.self))
        case .itemRegistered: return .itemRegistered(try read(ItemRegistered.self))
        case .campaignCreated: return .campaignCreated(try read(CampaignCreated.self))
        case .campaignUpdated: return .campaignUpdated(try read(CampaignUpdated.self))
        case .recipientRegistered: return .recipientRegistered(try read(RecipientRegistered.self))
        case .recipientUpdated: return .recipientUpdated(try read(RecipientUpdated.self))
        case .recipientErased: return .recipientErased(try read(RecipientErased.self))
        case .goodsReceived: return .goodsReceived(try read(GoodsReceived.self))
        case .cashReceived: return .cashReceived(try read(CashReceived.self))
        case .goodsIssued: return .goodsIssued(try read(GoodsIssued.self))
        case .cashGranted: return .cashGranted(try read(CashGranted.self))
        case .stockTransferred: return .stockTransferred(try read(StockTransferred.self))
        case .stockAdjusted: return .stockAdjusted(try read(StockAdjusted.self))
        case .eventVoided: return .eventVoided(try read(EventVoided.self))
        }
    }
}
