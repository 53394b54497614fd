/// A recipient received goods at a site under a campaign.
///
/// The lots drawn and each entitlement decision are written into the event, so a replay
/// needs no allocation or entitlement logic.
public struct GoodsIssued: EventPayload {
    public static let type = EventType.goodsIssued
    public static let schemaVersion: UInt8 = 1

    public var recipient: String
    public var campaign: String
    public var lines: [Line]
    /// A supervisor's written reason for issuing beyond an entitlement, when one was given.
    public var overrideReason: String?

    public struct Line: Sendable, Equatable {
        public var item: String
        public var quantity: Int64
        public var draws: [Draw]
        /// What the entitlement rule decided, when the campaign has one for this item.
        public var entitlement: EntitlementDecision?

        public init(item: String, quantity: Int64, draws: [Draw], entitlement: EntitlementDecision?) {
            self.item = item
            self.quantity = quantity
            self.draws = draws
            self.entitlement = entitlement
        }
    }

    public init(recipient: String, campaign: String, lines: [Line], overrideReason: String?) {
        self.recipient = recipient
        self.campaign = campaign
        self.lines = lines
        self.overrideReason = overrideReason
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.string(campaign)
        w.array(lines) { w, line in
            w.string(line.item)
            w.int(line.quantity)
            w.array(line.draws, Draw.write)
            w.optional(line.entitlement) { $1.encode(into: &$0) }
        }
        w.optional(overrideReason) { $0.string($1) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(
            recipient: try r.string(), campaign: try r.string(),
            lines: try r.array { r in
                Line(
                    item: try r.string(), quantity: try r.int(), draws: try r.array(Draw.read),
                    entitlement: try EntitlementDecision.decodeUnlessLeftOut(&r)
                )
            },
            overrideReason: try r.optional { r in r.leavesOutDecisions ? try r.skipString() : try r.string() }
        )
    }

    public var json: [(String, JSONValue)] {
        [
            ("recipient", .string(recipient)), ("campaign", .string(campaign)),
            ("lines", .array(lines.map { line in
                .object([
                    ("item", .string(line.item)), ("quantity", .int(line.quantity)), ("draws", .array(line.draws.map(\.json))),
                    ("entitlement", line.entitlement?.json ?? .null),
                ])
            })),
            ("override_reason", .optional(overrideReason)),
        ]
    }
}

/// What an entitlement rule decided at the counter, kept in the issuance.
public struct EntitlementDecision: Sendable, Equatable {
    /// The rule as it read then.
    public var rule: EntitlementRule
    /// The units allowed per period for this recipient (the rule's quantity, times the household size for a per-person rule).
    public var limit: Int64
    /// Units already received inside the period before this issuance.
    public var alreadyReceived: Int64
    /// Whether this issuance went beyond the limit under a supervisor's override.
    public var overridden: Bool
    /// The first day the recipient may receive this item again.
    public var nextEligible: BusinessDate

    public init(rule: EntitlementRule, limit: Int64, alreadyReceived: Int64, overridden: Bool, nextEligible: BusinessDate) {
        self.rule = rule
        self.limit = limit
        self.alreadyReceived = alreadyReceived
        self.overridden = overridden
        self.nextEligible = nextEligible
    }

    func encode(into w: inout ByteWriter) {
        rule.encode(into: &w)
        w.int(limit)
        w.int(alreadyReceived)
        w.bool(overridden)
        w.date(nextEligible)
    }

    static func decode(_ r: inout ByteReader) throws -> EntitlementDecision {
        EntitlementDecision(rule: try .decode(&r), limit: try r.int(), alreadyReceived: try r.int(), overridden: try r.bool(), nextEligible: try r.date())
    }

    /// An optional decision, or nil without making it when the reader leaves decisions out.
    static func decodeUnlessLeftOut(_ r: inout ByteReader) throws -> EntitlementDecision? {
        guard r.leavesOutDecisions else { return try r.optional(EntitlementDecision.decode) }
        try skip(&r)
        return nil
    }

    /// Moves past an optional decision, as `decode` reads it, without making it.
    @inline(__always)
    static func skip(_ r: inout ByteReader) throws {
        guard try r.bool() else { return }
        try EntitlementRule.skip(&r)
        _ = (try r.int(), try r.int(), try r.bool(), try r.date())
    }

    var json: JSONValue {
        .object([
            ("rule", .string(rule.description)), ("limit", .int(limit)), ("already_received", .int(alreadyReceived)),
            ("overridden", .bool(overridden)), ("next_eligible", .date(nextEligible)),
        ])
    }
}
