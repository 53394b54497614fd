/// Where a donor's goods and cash went: received = issued + written off (net of found) + on hand.
public struct DonorBalance: Sendable {
    public var donor: DonorRegistered
    public var items: [ItemFlow]
    public var cashReceived: Int64
    public var cashGranted: Int64
    /// Distinct recipients who received this donor's goods or cash.
    public var reach: Reach
    /// Where what is on hand of this donor's goods lies: units and value by site and item.
    public var onHandBySite: [SiteStock] = []

    public struct SiteStock: Sendable, Equatable {
        public var site: String
        public var item: String
        public var units: Int64
        public var value: Int64

        public init(site: String, item: String, units: Int64, value: Int64) {
            (self.site, self.item, self.units, self.value) = (site, item, units, value)
        }

        var json: JSONValue { .object([("site", .string(site)), ("item", .string(item)), ("units", .int(units)), ("value_kopecks", .int(value))]) }
    }
    public var cashLeft: Int64 { cashReceived - cashGranted }

    /// One item's movements, in units and in kopecks.
    public struct ItemFlow: Sendable {
        public var item: String
        public var receivedUnits: Int64 = 0
        public var receivedValue: Int64 = 0
        public var issuedUnits: Int64 = 0
        public var issuedValue: Int64 = 0
        public var transferredUnits: Int64 = 0
        /// Net adjustments by reason (negative for write-offs).
        public var adjustedUnits: [AdjustmentReason: Int64] = [:]
        public var adjustedValue: [AdjustmentReason: Int64] = [:]

        public private(set) var adjustedUnitsTotal: Int64 = 0
        public private(set) var adjustedValueTotal: Int64 = 0
        public private(set) var onHandUnits: Int64 = 0
        public private(set) var onHandValue: Int64 = 0

        /// Works out the totals and what is on hand once every running total is read (received − issued + adjusted).
        mutating func settle() throws(LedgerError) {
            func what() -> String { "what \(item) the donor has on hand" }  // made only for a refusal
            adjustedUnitsTotal = try Int64.sum(adjustedUnits.values, describing: what())
            adjustedValueTotal = try Int64.sum(adjustedValue.values, describing: what())
            onHandUnits = try receivedUnits.subtracting(issuedUnits, describing: what()).adding(adjustedUnitsTotal, describing: what())
            onHandValue = try receivedValue.subtracting(issuedValue, describing: what()).adding(adjustedValueTotal, describing: what())
        }

        var json: JSONValue {
            .object([
                ("item", .string(item)), ("received_units", .int(receivedUnits)), ("received_value_kopecks", .int(receivedValue)),
                ("issued_units", .int(issuedUnits)), ("issued_value_kopecks", .int(issuedValue)), ("transferred_units", .int(transferredUnits)),
                ("adjusted_units", .object(AdjustmentReason.allCases.compactMap { r in adjustedUnits[r].map { (r.rawValue, .int($0)) } })),
                ("adjusted_value_kopecks", .object(AdjustmentReason.allCases.compactMap { r in adjustedValue[r].map { (r.rawValue, .int($0)) } })),
                ("on_hand_units", .int(onHandUnits)), ("on_hand_value_kopecks", .int(onHandValue)),
            ])
        }
    }

    public var json: JSONValue {
        .object([
            ("donor", .string(donor.donor)), ("name", .string(donor.name)), ("kind", .string(donor.kind.rawValue)),
            ("items", .array(items.map(\.json))),
            ("cash_received_kopecks", .int(cashReceived)), ("cash_granted_kopecks", .int(cashGranted)), ("cash_left_kopecks", .int(cashLeft)),
            ("reach", reach.json), ("on_hand_by_site", .array(onHandBySite.map(\.json))),
        ])
    }
}
