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
        guard cache.summaries.take(mark, in: slot, sign: sign) else { return }
        entered(mark.scope, mark.first, sign: sign, cache: cache)
    }

    /// Counts the recipient into (`sign` 1) or out of (-1) the reach of the donor or campaign numbered `id`.
    mutating func entered(_ scope: RecipientSummary.Scope, _ id: ReplaySymbols.Symbol, sign: Int64, cache: ReplayCache) {
        if !cache.countReach(scope, id, of: symbol, sign: sign) { uncounted.append((scope, id)) }
    }
}
