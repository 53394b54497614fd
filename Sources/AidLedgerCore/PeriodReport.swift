/// The figures of a municipal yearly report for a period of business dates.
///
/// Counted from the log: events whose business date falls in the period, less those voided by the
/// report's point in history. Values are the lots' values in kopecks.
public struct PeriodReport: Sendable {
    public var from: BusinessDate
    public var to: BusinessDate
    public var campaign: String?
    public var site: String?
    /// A donor's report: only what that donor's goods and cash did (see `ReportTally`).
    public var donor: String?
    /// The last record of the history counted: the head when the report was made, or the point asked for.
    public var through: UInt64 = 0

    /// Distinct recipients served with goods or cash.
    public var served = Reach()
    /// Goods issued, by item.
    public var issued: [String: (units: Int64, value: Int64)] = [:]
    /// The value issued by funding source: public money (city and state budgets) and the rest.
    public var publicValue: Int64 = 0
    public var charitableValue: Int64 = 0
    /// The value issued, by donor.
    public var valueByDonor: [String: Int64] = [:]
    /// Cash aid: distinct recipients and the total.
    public var cashRecipients: Int64 = 0
    public var cashTotal: Int64 = 0
    /// Intake received, by donor: goods by item and cash.
    public var intake: [String: [String: (units: Int64, value: Int64)]] = [:]
    public var cashIntake: [String: Int64] = [:]
    /// Write-offs by reason (units and value, as positive numbers).
    public var writeOffs: [AdjustmentReason: (units: Int64, value: Int64)] = [:]

    /// The value issued, all items together.
    public var issuedValue: Int64 = 0

    /// The value received in the period, goods and cash, from every donor.
    public func intakeValue() throws(LedgerError) -> Int64 {
        var total: Int64 = 0
        for items in intake.values { for v in items.values { try Int64.add(v.value, to: &total, describing: "the intake of the period") } }
        for v in cashIntake.values { try Int64.add(v, to: &total, describing: "the intake of the period") }
        return total
    }

    /// The value written off in the period, for every reason.
    public func writtenOffValue() throws(LedgerError) -> Int64 {
        var total: Int64 = 0
        for v in writeOffs.values { try Int64.add(v.value, to: &total, describing: "the write-offs of the period") }
        return total
    }

    /// Whether it counts nothing at all.
    public var isEmpty: Bool {
        served.recipients == 0 && issued.isEmpty && cashTotal == 0 && intake.isEmpty && cashIntake.isEmpty && writeOffs.isEmpty
    }

    public var json: JSONValue {
        let sortedPairs = { (d: [String: (units: Int64, value: Int64)]) -> JSONValue in
            .array(d.sorted { $0.key < $1.key }.map { .object([("item", .string($0.key)), ("units", .int($0.value.units)), ("value_kopecks", .int($0.value.value))]) })
        }
        return .object([
            ("from", .date(from)), ("to", .date(to)), ("campaign", .optional(campaign)), ("site", .optional(site)), ("donor", .optional(donor)), ("through_position", .int(through)),
            ("served", served.json),
            ("issued", sortedPairs(issued)), ("issued_value_kopecks", .int(issuedValue)),
            ("funding", .object([
                ("public_kopecks", .int(publicValue)), ("charitable_and_international_kopecks", .int(charitableValue)),
                ("by_donor", .object(valueByDonor.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ])),
            ("cash_aid", .object([("recipients", .int(cashRecipients)), ("total_kopecks", .int(cashTotal))])),
            ("intake", .object(intake.sorted { $0.key < $1.key }.map { ($0.key, sortedPairs($0.value)) })),
            ("cash_intake", .object(cashIntake.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("write_offs", .array(AdjustmentReason.allCases.compactMap { r in
                writeOffs[r].map { .object([("reason", .string(r.rawValue)), ("units", .int($0.units)), ("value_kopecks", .int($0.value))]) }
            })),
        ])
    }
}
