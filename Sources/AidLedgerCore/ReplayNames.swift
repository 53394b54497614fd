/// The campaigns, donors and items a replay's chunk keeps in its recipients' summaries, numbered by the replaying
/// thread (`ReplaySummaries`): one number per text, whether the text came as a mark's number (`ReplaySymbols`) or
/// in a summary decoded from the store, so that a summary compares small integers only, and every summary of the
/// chunk uses the same ones. Numbered anew for each chunk (`forget`).
final class ReplayNames {
    typealias ID = Int32

    private let texts: ReplaySymbols.Texts
    /// The number of each symbol's text (-1: not asked for yet).
    @exclusivity(unchecked) private var bySymbol: [ID] = []
    @exclusivity(unchecked) private var byText = ByteTable()
    @exclusivity(unchecked) private var recent = ReplaySymbols.Recent()
    /// Each number's text.
    @exclusivity(unchecked) private(set) var strings: [String] = []
    /// Each number's place among the texts in their order (`String`'s), as `rank()` last found it: a summary's goods
    /// and cash are stored sorted by their texts.
    @exclusivity(unchecked) private(set) var ranks: [Int32] = []

    init(_ texts: ReplaySymbols.Texts) { self.texts = texts }

    /// The number of the text numbered `symbol` by the reading thread.
    @inline(__always)
    func id(_ symbol: ReplaySymbols.Symbol) -> ID {
        let s = Int(symbol)
        if s < bySymbol.count {
            let id = bySymbol[s]
            if id >= 0 { return id }
        }
        return firstID(symbol)
    }

    @inline(never)
    private func firstID(_ symbol: ReplaySymbols.Symbol) -> ID {
        let s = Int(symbol)
        if s >= bySymbol.count { bySymbol += repeatElement(-1, count: max(s + 1 - bySymbol.count, bySymbol.count, 64)) }
        let id = id(text: texts.text(symbol))
        bySymbol[s] = id
        return id
    }

    /// The number of `text`.
    func id(text: String) -> ID {
        var t = text
        return t.withUTF8 { id(bytes: UnsafeRawBufferPointer($0))! }  // a `String`'s bytes are UTF-8
    }

    /// The number of the text whose UTF-8 bytes are `bytes`, or nil when they are not UTF-8. A short text is looked
    /// for first among those numbered last (`ReplaySymbols.Recent`): every stored summary a replay takes names a few of
    /// the same campaigns, donors and items.
    func id(bytes: UnsafeRawBufferPointer) -> ID? {
        recent.number(bytes) {
            if let known = byText.value(bytes) { return ID(known) }  // a text's value is its number
            guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
            strings.append(text)
            return ID(byText.number(bytes).number)
        }
    }

    /// Ranks the texts numbered so far (before the chunk's summaries are encoded).
    func rank() {
        let order = strings.indices.sorted { strings[$0] < strings[$1] }
        ranks = [Int32](repeating: 0, count: strings.count)
        for (r, i) in order.enumerated() { ranks[i] = Int32(r) }
    }

    /// Forgets every number, keeping the memory.
    func forget() {
        for i in bySymbol.indices { bySymbol[i] = -1 }
        byText.removeAll()
        recent.removeAll()
        strings.removeAll(keepingCapacity: true)
        ranks.removeAll(keepingCapacity: true)
    }
}
