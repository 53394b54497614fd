/// What one event of a replay changes in its recipient's summary, from the marks its plan holds (`SummaryMark`): the
/// summary is changed where the replay's cache holds it, and the reach the recipient enters or leaves is counted by
/// the numbers of the donor or campaign as each mark is taken.
struct ReplayedChange {
    /// The recipient's number, and where the cache holds their summary (-1: no mark named a recipient yet).
    private(set) var symbol: ReplaySymbols.Symbol = -1
    private(set) var slot = -1
    private var summary: UnsafeMutablePointer<RecipientSummary>? = nil
    /// Donors and campaigns whose reach the recipient entered or left but could not be counted by number (the reading
    /// thread handed over no attributes for the recipient): counted by text when the event ends.
    private(set) var uncounted: [(scope: RecipientSummary.Scope, id: ReplaySymbols.Symbol)] = []
    /// The last names the marks found in the summary, by number: an issuance's campaign, donor and item come back in
    /// its later marks (the line issued, the reach), so each is looked up in the summary once per event.
    private var found: (ReplaySymbols.Symbol, RecipientSummary.Name, ReplaySymbols.Symbol, RecipientSummary.Name, ReplaySymbols.Symbol, RecipientSummary.Name) = (-1, 0, -1, 0, -1, 0)
    private var next = 0

    /// The summary's index of the name numbered `symbol`.
    @inline(__always)
    private mutating func name(_ symbol: ReplaySymbols.Symbol, _ texts: ReplaySymbols.Texts) -> RecipientSummary.Name {
        if found.0 == symbol { return found.1 }
        if found.2 == symbol { return found.3 }
        if found.4 == symbol { return found.5 }
        return look(up: symbol, texts)
    }

    @inline(never)
    private mutating func look(up symbol: ReplaySymbols.Symbol, _ texts: ReplaySymbols.Texts) -> RecipientSummary.Name {
        let name = summary!.pointee.name(symbol: symbol, in: texts)
        switch next {
        case 0: (found.0, found.1) = (symbol, name)
        case 1: (found.2, found.3) = (symbol, name)
        default: (found.4, found.5) = (symbol, name)
        }
        next = next == 2 ? 0 : next + 1
        return name
    }

    /// Starts with the recipient's mark: the recipient numbered `symbol`, whose summary is at `summary`, in `slot` of
    /// the cache.
    mutating func begin(_ symbol: ReplaySymbols.Symbol, _ summary: UnsafeMutablePointer<RecipientSummary>, slot: Int) {
        (self.symbol, self.summary, self.slot) = (symbol, summary, slot)
    }

    /// Takes one of the marks after the recipient's, `sign` times (-1: a void's).
    mutating func take(_ mark: SummaryMark, sign: Int64, cache: ReplayCache) {
        let texts = cache.texts
        switch mark.kind {
        case .recipient:
            preconditionFailure("the recipient's mark begins the change")
        case .goods:
            let (c, d, i) = (name(mark.first, texts), name(mark.donor, texts), name(mark.item, texts))
            summary!.pointee.addGoods(c, d, i, units: mark.amount, value: mark.value)
        case .grant:
            let (c, d) = (name(mark.first, texts), name(mark.donor, texts))
            summary!.pointee.addCash(c, d, amount: mark.amount)
        case .issued:
            guard sign > 0 else { return summary!.pointee.removeIssued(at: mark.position) }
            let (c, i) = (name(mark.first, texts), name(mark.item, texts))
            summary!.pointee.addIssued(c, i, day: mark.day, position: mark.position, quantity: mark.amount)
        case .counts:
            summary!.pointee.issuances += mark.amount
            summary!.pointee.grants += mark.value
        case .reach:
            let events = summary!.pointee.reach(mark.scope, name(mark.first, texts), sign)
            guard (sign > 0 && events == 1) || (sign < 0 && events == 0) else { return }
            if !cache.countReach(mark.scope, mark.first, of: symbol, sign: sign) { uncounted.append((mark.scope, mark.first)) }
        }
    }
}
