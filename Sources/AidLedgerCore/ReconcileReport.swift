/// The accountant's checks: for every donor and item, and every campaign's cash, what came in equals
/// what went out plus what is left; and totals over recipients, donors and campaigns agree.
public struct ReconcileReport: Sendable {
    /// One identity checked.
    public struct Row: Sendable {
        /// "donor goods", "campaign cash", "issued goods", "granted cash".
        public var check: String
        /// The donor and item, the campaign, or the item.
        public var subject: String
        /// Units, or kopecks for cash and values.
        public var unit: String
        /// The left side of the identity (what came in, or the recipients' total).
        public var expected: Int64
        /// The right side (what went out and is on hand, or the donors' and campaigns' totals).
        public var actual: Int64
        public var detail: String

        public var balances: Bool { expected == actual }

        var json: JSONValue {
            .object([
                ("check", .string(check)), ("subject", .string(subject)), ("unit", .string(unit)),
                ("expected", .int(expected)), ("actual", .int(actual)), ("difference", .int(actual - expected)),
                ("balances", .bool(balances)), ("detail", .string(detail)),
            ])
        }
    }

    public var rows: [Row]
    public var failures: [Row] { rows.filter { !$0.balances } }
    public var isBalanced: Bool { failures.isEmpty }

    public var json: JSONValue {
        .object([("balanced", .bool(isBalanced)), ("rows", .array(rows.map(\.json)))])
    }
}
