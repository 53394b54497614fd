/// What a recipient received, and when each entitlement lets them receive again.
public struct RecipientBalance: Sendable {
    public var recipient: RecipientRegistered
    public var items: [(item: String, units: Int64, value: Int64)]
    public var cash: Int64
    public var issuances: Int64
    public var grants: Int64
    public var entitlements: [EntitlementStatus]
    /// Goods by campaign and by donor (through the lots drawn).
    public var byCampaign: [Share]
    public var byDonor: [Share]
    /// Cash by campaign and by donor.
    public var cashByCampaign: [(id: String, amount: Int64)]
    public var cashByDonor: [(id: String, amount: Int64)]
    public var firstIssuance: BusinessDate?
    public var lastIssuance: BusinessDate?
    /// How the household changed (size, category, area, settlement), oldest first, with the position of each change.
    public var profileChanges: [(position: UInt64, change: RecipientProfile.Change)] = []

    /// Units and value of one item from one campaign or donor.
    public struct Share: Sendable {
        public var id: String
        public var item: String
        public var units: Int64
        public var value: Int64
        var json: JSONValue { .object([("id", .string(id)), ("item", .string(item)), ("units", .int(units)), ("value_kopecks", .int(value))]) }
    }

    /// One rule of one campaign as it stands for this recipient on a given day.
    public struct EntitlementStatus: Sendable {
        public var campaign: String
        public var rule: EntitlementRule
        public var limit: Int64
        public var receivedInPeriod: Int64
        /// Today when one unit may be issued today; otherwise the first day it may.
        public var nextEligible: BusinessDate
        public var eligibleToday: Bool

        var json: JSONValue {
            .object([
                ("campaign", .string(campaign)), ("rule", .string(rule.description)), ("limit", .int(limit)),
                ("received_in_period", .int(receivedInPeriod)), ("eligible_today", .bool(eligibleToday)), ("next_eligible", .date(nextEligible)),
            ])
        }
    }

    public var json: JSONValue {
        .object([
            ("recipient", .string(recipient.recipient)), ("kind", .string(recipient.kind.rawValue)),
            ("household_size", .int(recipient.householdSize)), ("category", .string(recipient.category.rawValue)),
            ("area", .string(recipient.area.rawValue)),
            ("items", .array(items.map { .object([("item", .string($0.item)), ("units", .int($0.units)), ("value_kopecks", .int($0.value))]) })),
            ("cash_kopecks", .int(cash)), ("issuances", .int(issuances)), ("grants", .int(grants)),
            ("entitlements", .array(entitlements.map(\.json))),
            ("by_campaign", .array(byCampaign.map(\.json))), ("by_donor", .array(byDonor.map(\.json))),
            ("cash_by_campaign", .array(cashByCampaign.map { .object([("campaign", .string($0.id)), ("amount_kopecks", .int($0.amount))]) })),
            ("cash_by_donor", .array(cashByDonor.map { .object([("donor", .string($0.id)), ("amount_kopecks", .int($0.amount))]) })),
            ("first_issuance", .date(firstIssuance)), ("last_issuance", .date(lastIssuance)),
            ("profile_changes", .array(profileChanges.map { c in
                .object([("position", .int(c.position)), ("before", c.change.before.json), ("after", c.change.after.json)])
            })),
        ])
    }
}
