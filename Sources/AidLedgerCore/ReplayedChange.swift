/// What one event of a replay changes in its recipient's summary, from the marks its plan holds (`SummaryMark`): the
/// summary is changed where the replay's cache holds it (`ReplaySummaries`), and the reach the recipient enters or
/// leaves is counted by the numbers of the donor or campaign as each mark is taken.
struct ReplayedChange {
    /// The recipient's number, and where the cache holds their summary (-1: no mark named a recipient yet).
    private(set) var symbol: ReplaySymbols.Symbol = -1
    private(set) var slot = -1
    /// Donors and campaigns whose reach the recipient entered or left but could not be counted by number (the reading
    /// thread handed over no attributes for the recipient): counted by text when the event ends.
    private(set) var uncounted: [(scope: RecipientSummary.Scope, id: ReplaySymbols.Symbol)] = []

    /// Starts with the recipient's mark: the recipient numbered `symbol`, whose summary is in `slot` of the cache.
    mutating func begin(_ symbol: ReplaySymbols.Symbol, slot: Int) {
        (self.symbol, self.slot) = (symbol, slot)
    }

    /// Takes one of the marks after the recipient's, `sign` times (-1: a void's).
    mutating func take(_ mark: SummaryMark, sign: Int64, cache: ReplayCache) {
        let summaries = cache.summaries
        let names = summaries.names
        switch mark.kind {
        case .recipient:
            preconditionFailure("the recipient's mark begins the change")
        case .goods:
            summaries.addGoods(slot, names.id(mark.first), names.id(mark.donor), names.id(mark.item), units: mark.amount, value: mark.value)
        case .grant:
            summaries.addCash(slot, names.id(mark.first), names.id(mark.donor), amount: mark.amount)
        case .issued:
            guard sign > 0 else { return summaries.removeIssued(slot, at: mark.position) }
            let line = RecipientSummary.Issue(campaign: names.id(mark.first), item: names.id(mark.item), day: mark.day, position: mark.position, quantity: mark.amount)
            summaries.addIssued(slot, line)
        case .counts:
            summaries.count(slot, issuances: mark.amount, grants: mark.value)
        case .reach:
            let events = summaries.reach(slot, mark.scope, names.id(mark.first), sign)
            guard (sign > 0 && events == 1) || (sign < 0 && events == 0) else { return }
            if !cache.countReach(mark.scope, mark.first, of: symbol, sign: sign) { uncounted.append((mark.scope, mark.first)) }
        }
    }
}
