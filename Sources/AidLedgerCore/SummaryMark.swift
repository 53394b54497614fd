/// One of an event's effects on its recipient's summary as a replay's reading thread hands it over: the texts it names
/// replaced by their numbers (`ReplaySymbols`), so the replaying thread copies no text and counts no reference.
struct SummaryMark: Equatable {
    enum Kind: UInt8 { case recipient, goods, grant, issued, counts, reach }

    var kind: Kind
    var scope = RecipientSummary.Scope.donor
    /// The recipient (`.recipient`), the campaign, or the donor or campaign reached (`.reach`).
    var first: ReplaySymbols.Symbol = -1
    /// The donor (`.goods`, `.grant`).
    var donor: ReplaySymbols.Symbol = -1
    /// The item (`.goods`, `.issued`).
    var item: ReplaySymbols.Symbol = -1
    var day = BusinessDate(day: 0)
    var position: UInt64 = 0
    /// Units, an amount, a quantity or issuances.
    var amount: Int64 = 0
    /// Value or grants.
    var value: Int64 = 0

    init(_ kind: Kind) { self.kind = kind }

    /// The mark of `effect`, an effect on a summary, numbering its texts in `symbols`; `attributes` reads a
    /// recipient's attributes from the ledger's registry.
    init(_ effect: borrowing Effect, _ symbols: borrowing ReplaySymbols.Numbering, attributes: (String) throws -> RecipientRegistered.Attributes?) throws {
        switch effect {
        case .recipient(let id):
            self.init(.recipient)
            first = try symbols.recipient(id, load: attributes)
        case .goods(let campaign, let donor, let item, let units, let value):
            self.init(.goods)
            (first, self.donor, self.item) = (symbols.name(campaign), symbols.name(donor), symbols.name(item))
            (amount, self.value) = (units, value)
        case .grant(let campaign, let donor, let amount):
            self.init(.grant)
            (first, self.donor, self.amount) = (symbols.name(campaign), symbols.name(donor), amount)
        case .issued(let campaign, let item, let day, let position, let quantity):
            self.init(.issued)
            (first, self.item, self.day, self.position, amount) = (symbols.name(campaign), symbols.name(item), day, position, quantity)
        case .counts(let issuances, let grants):
            self.init(.counts)
            (amount, value) = (issuances, grants)
        case .reach(let scope, let id):
            self.init(.reach)
            (self.scope, first) = (scope, symbols.name(id))
        case .stock, .cash, .total, .touched:
            preconditionFailure("not an effect on a recipient's summary")
        }
    }
}
