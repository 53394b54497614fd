/// A programme or an action: when it runs, who funds it, what it gives and how often.
public struct CampaignCreated: EventPayload {
    public static let type = EventType.campaignCreated
    public static let schemaVersion: UInt8 = 1

    public var campaign: String
    public var name: String
    public var starts: BusinessDate
    public var ends: BusinessDate
    /// The donors funding it; intakes earmarked for it must come from one of them.
    public var donors: [String]
    /// The items it may issue.
    public var items: [String]
    public var rules: [EntitlementRule]

    public init(campaign: String, name: String, starts: BusinessDate, ends: BusinessDate, donors: [String], items: [String], rules: [EntitlementRule]) {
        self.campaign = campaign
        self.name = name
        self.starts = starts
        self.ends = ends
        self.donors = donors
        self.items = items
        self.rules = rules
    }

    public func encode(into w: inout ByteWriter) {
        w.string(campaign)
        w.string(name)
        w.date(starts)
        w.date(ends)
        w.array(donors) { $0.string($1) }
        w.array(items) { $0.string($1) }
        w.array(rules) { $1.encode(into: &$0) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(
            campaign: try r.string(), name: try r.string(), starts: try r.date(), ends: try r.date(),
            donors: try r.array { try $0.string() }, items: try r.array { try $0.string() },
            rules: try r.array { try EntitlementRule.decode(&$0) }
        )
    }

    public var json: [(String, JSONValue)] {
        [
            ("campaign", .string(campaign)), ("name", .string(name)), ("starts", .date(starts)), ("ends", .date(ends)),
            ("donors", .array(donors.map { .string($0) })), ("items", .array(items.map { .string($0) })),
            ("rules", .array(rules.map { .string($0.description) })),
        ]
    }
}

/// "1 food kit per household per 30 days", "1 hygiene set per person per 30 days".
public struct EntitlementRule: Sendable, Equatable, CustomStringConvertible {
    public var item: String
    public var quantity: Int64
    public var periodDays: Int32
    public var scope: EntitlementScope

    public init(item: String, quantity: Int64, periodDays: Int32, scope: EntitlementScope) {
        self.item = item
        self.quantity = quantity
        self.periodDays = periodDays
        self.scope = scope
    }

    /// How many units a recipient of `householdSize` people may receive in one period.
    public func limit(householdSize: Int64) -> Int64 {
        guard scope == .person else { return quantity }
        // A rule recorded before quantities were bounded may hold more than 64 bits allow for a household: no limit.
        let (limit, overflow) = quantity.multipliedReportingOverflow(by: householdSize)
        return overflow ? .max : limit
    }

    /// `food-kit:1/30d/household`, the form the command line takes.
    public var description: String { "\(item):\(quantity)/\(periodDays)d/\(scope.rawValue)" }

    /// Parses `ITEM:QTY/DAYSd/household|person`.
    public static func parse(_ text: String) throws(LedgerError) -> EntitlementRule {
        let bad = LedgerError(
            .invalidField,
            "rule \"\(Identifier.printable(text))\" should read like food-kit:1/30d/household (item, 1 to a billion units, 1 to 3660 days, household or person)")
        let colon = text.split(separator: ":", maxSplits: 1)
        guard colon.count == 2 else { throw bad }
        let parts = colon[1].split(separator: "/")
        guard parts.count == 3, parts[1].hasSuffix("d"),
            let q = Int64(parts[0]), (1...1_000_000_000).contains(q), let days = Int32(parts[1].dropLast()), (1...3660).contains(days),
            let scope = EntitlementScope(rawValue: String(parts[2]))
        else { throw bad }
        return EntitlementRule(item: try Identifier.validate(String(colon[0]), field: "rule item"), quantity: q, periodDays: days, scope: scope)
    }

    func encode(into w: inout ByteWriter) {
        w.string(item)
        w.int(quantity)
        w.int(Int64(periodDays))
        w.string(scope.rawValue)
    }

    static func decode(_ r: inout ByteReader) throws -> EntitlementRule {
        EntitlementRule(item: try r.string(), quantity: try r.int(), periodDays: Int32(truncatingIfNeeded: try r.int()), scope: try .decode(&r))
    }

    /// Moves past a rule, as `decode` reads it, without making it.
    @inline(__always)
    static func skip(_ r: inout ByteReader) throws {
        _ = (try r.skipString(), try r.int(), try r.int(), try r.skipString())
    }
}
