/// A campaign's cash (received, granted, left) and what it issued.
public struct CampaignBalance: Sendable {
    public var campaign: CampaignCreated
    public var cashReceived: Int64
    public var cashGranted: Int64
    /// Cash not yet granted, summed over its cash lots.
    public var cashLeft: Int64
    public var grants: Int64
    public var issuances: Int64
    public var items: [(item: String, units: Int64, value: Int64)]
    /// Distinct recipients served, by category and area, with households and people.
    public var reach: Reach

    public var json: JSONValue {
        .object([
            ("campaign", .string(campaign.campaign)), ("name", .string(campaign.name)),
            ("starts", .date(campaign.starts)), ("ends", .date(campaign.ends)),
            ("donors", .array(campaign.donors.map { .string($0) })), ("items", .array(campaign.items.map { .string($0) })),
            ("rules", .array(campaign.rules.map { .string($0.description) })),
            ("cash_received_kopecks", .int(cashReceived)), ("cash_granted_kopecks", .int(cashGranted)), ("cash_left_kopecks", .int(cashLeft)),
            ("grants", .int(grants)), ("issuances", .int(issuances)),
            ("items_issued", .array(items.map { .object([("item", .string($0.item)), ("units", .int($0.units)), ("value_kopecks", .int($0.value))]) })),
            ("reach", reach.json),
        ])
    }
}
