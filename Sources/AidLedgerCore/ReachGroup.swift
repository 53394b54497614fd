/// Recipients of one kind, category and area reached by one donor or campaign: the running totals of its reach that
/// a recipient entering (or leaving) it changes.
struct ReachGroup: Hashable {
    var scope: RecipientSummary.Scope
    var id: String
    var kind: RecipientKind
    var category: RecipientCategory
    var area: Area

    /// Hands over each running total and what to add to it, for `recipients` recipients entering the reach (negative:
    /// leaving) with `people` people in their households.
    func counters(recipients: Int64, people: Int64, _ add: (CounterName, Int64) throws -> Void) throws {
        let scopeName = scope == .donor ? "donor" : "campaign"
        try add(CounterName(scopeName, id, "reached", "recipients"), recipients)
        try add(CounterName(scopeName, id, "reached", kind == .household ? "households" : "individuals"), recipients)
        try add(CounterName(scopeName, id, "reached", "people"), people)
        try add(CounterName(scopeName, id, "reached", "category", category.rawValue), recipients)
        try add(CounterName(scopeName, id, "reached", "area", area.rawValue), recipients)
    }
}
