/// What changed a period's report since it was made at a position (`Ledger.reportChanges`): the report then, and the
/// events recorded after it that account for every difference, so an accountant can tell a donor why a figure sent
/// in March is not the figure of today.
public struct ReportChanges: Sendable {
    /// The position the earlier report was counted through.
    public var since: UInt64
    /// The report as it was then.
    public var then: PeriodReport
    /// Events of the period recorded after `since` that the report counts now (entered late, under their own dates).
    public var added: [EventRecord] = []
    /// Voids recorded after `since`, each with the event of the period it reversed, which the report counted then.
    public var voided: [(void: EventRecord, target: EventRecord)] = []

    public init(since: UInt64, then: PeriodReport) {
        self.since = since
        self.then = then
    }

    /// `report`'s JSON with these changes in it (`changed_since`).
    public func json(in report: PeriodReport) -> JSONValue {
        guard case .object(let fields) = report.json else { return report.json }
        return .object(fields + [("changed_since", json)])
    }

    public var json: JSONValue {
        .object([
            ("since_position", .int(since)), ("then", then.json),
            ("added", .array(added.map(\.json))),
            ("voided", .array(voided.map { .object([("void", $0.void.json), ("event", $0.target.json)]) })),
        ])
    }
}
