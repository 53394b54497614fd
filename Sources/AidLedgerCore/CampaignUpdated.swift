/// A running campaign changed: donors who joined or left it, items it now gives or no longer gives, its rules
/// replaced, its last day moved. Events already recorded under it keep what was decided for them; the change holds
/// from this event on. Schema 2 adds the donors and items removed (schema 1 records read as removing none).
public struct CampaignUpdated: EventPayload {
    public static let type = EventType.campaignUpdated
    public static let schemaVersion: UInt8 = 2

    public var campaign: String
    /// The last day from now on.
    public var ends: BusinessDate
    /// Donors who now fund it (none already did).
    public var addedDonors: [String]
    /// Items it now gives (none it gave already).
    public var addedItems: [String]
    /// The rules from now on, replacing all of them; nil: the rules stay.
    public var rules: [EntitlementRule]?
    /// Donors who no longer fund it (each did): it takes no more cash or earmarked goods from them.
    public var removedDonors: [String]
    /// Items it no longer gives (each it gave).
    public var removedItems: [String]

    public init(
        campaign: String, ends: BusinessDate, addedDonors: [String], addedItems: [String], rules: [EntitlementRule]?,
        removedDonors: [String] = [], removedItems: [String] = []
    ) {
        self.campaign = campaign
        self.ends = ends
        self.addedDonors = addedDonors
        self.addedItems = addedItems
        self.rules = rules
        self.removedDonors = removedDonors
        self.removedItems = removedItems
    }

    /// The campaign as it stands after this change.
    func applied(to c: CampaignCreated) -> CampaignCreated {
        var c = c
        c.ends = ends
        c.donors = c.donors.filter { !removedDonors.contains($0) } + addedDonors
        c.items = c.items.filter { !removedItems.contains($0) } + addedItems
        if let rules { c.rules = rules }
        return c
    }

    /// The change in words: "ends 2027-03-31; donors added: UNICEF; rules: food-kit:1/14d/household".
    public var change: String {
        var parts = ["ends \(ends)"]
        if !addedDonors.isEmpty { parts.append("donors added: " + addedDonors.joined(separator: " ")) }
        if !addedItems.isEmpty { parts.append("items added: " + addedItems.joined(separator: " ")) }
        if !removedDonors.isEmpty { parts.append("donors removed: " + removedDonors.joined(separator: " ")) }
        if !removedItems.isEmpty { parts.append("items removed: " + removedItems.joined(separator: " ")) }
        if let rules { parts.append("rules: " + (rules.isEmpty ? "none" : rules.map(\.description).joined(separator: " "))) }
        return parts.joined(separator: "; ")
    }

    public func encode(into w: inout ByteWriter) {
        w.string(campaign)
        w.date(ends)
        w.array(addedDonors) { $0.string($1) }
        w.array(addedItems) { $0.string($1) }
        w.u8(rules == nil ? 0 : 1)
        w.array(rules ?? []) { $1.encode(into: &$0) }
        w.array(removedDonors) { $0.string($1) }
        w.array(removedItems) { $0.string($1) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        let (campaign, ends) = (try r.string(), try r.date())
        let (donors, items) = (try r.array { try $0.string() }, try r.array { try $0.string() })
        let replaced = try r.u8() == 1
        let rules = try r.array { try EntitlementRule.decode(&$0) }
        var change = Self(campaign: campaign, ends: ends, addedDonors: donors, addedItems: items, rules: replaced ? rules : nil)
        if version >= 2 { (change.removedDonors, change.removedItems) = (try r.array { try $0.string() }, try r.array { try $0.string() }) }
        return change
    }

    public var json: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = [
            ("campaign", .string(campaign)), ("ends", .date(ends)),
            ("added_donors", .array(addedDonors.map { .string($0) })), ("added_items", .array(addedItems.map { .string($0) })),
        ]
        if let rules { out.append(("rules", .array(rules.map { .string($0.description) }))) }
        out.append(("removed_donors", .array(removedDonors.map { .string($0) })))
        out.append(("removed_items", .array(removedItems.map { .string($0) })))
        return out
    }
}
