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
    private var found = (symbols: SIMD4<Int32>(repeating: -1), names: SIMD4<Int32>(repeating: 0), next: 0)

    /// The summary's index of the name numbered `symbol`.
    private mutating func name(_ symbol: ReplaySymbols.Symbol, _ texts: ReplaySymbols.Texts) -> RecipientSummary.Name {
        for i in 0..<4 where found.symbols[i] == symbol { return found.names[i] }
        let name = summary!.pointee.name(symbol: symbol, in: texts)
        (found.symbols[found.next], found.names[found.next]) = (symbol, name)
        found.next = (found.next + 1) & 3
        return name
    }

    /// Takes one mark, `sign` times (-1: a void's); `load` gives the recipient's summary in the cache and its slot.
    mutating func take(
        _ mark: SummaryMark, sign: Int64, cache: ReplayCache, load: (ReplaySymbols.Symbol) throws -> (UnsafeMutablePointer<RecipientSummary>, Int)
    ) throws {
        let texts = cache.texts
        switch mark.kind {
        case .recipient:
            symbol = mark.first
            (summary, slot) = try load(mark.first)
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
