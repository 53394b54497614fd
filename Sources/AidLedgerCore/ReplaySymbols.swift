import Foundation

/// Numbers for the texts a replay's effects on recipients' summaries name (recipients, campaigns, donors, items), so
/// that the replaying thread finds a summary, and a campaign, donor or item in it, by comparing small integers
/// instead of hashing and comparing texts.
///
/// The reading thread numbers the texts while it works out the effects (`EffectPlan`); the replaying thread reads a
/// number's text back when it needs one (a summary that does not hold the name yet, a summary's key when it is
/// written). A replay numbers anew for each chunk (`forget`), so the numbers take the memory of one chunk's texts.
final class ReplaySymbols: @unchecked Sendable {  // each side's state is its thread's; `published` is under `lock`
    typealias Symbol = Int32

    // The reading side: one chunk's reading thread at a time, each started after the one before has ended.
    @exclusivity(unchecked) private var numbers: [String: Symbol] = [:]
    /// Campaigns, donors and items numbered: a handful, found by comparing texts (most are stored inline in the
    /// string, so comparing two costs less than hashing one).
    @exclusivity(unchecked) private var few: [(text: String, symbol: Symbol)] = []
    @exclusivity(unchecked) private var next: Symbol = 0

    /// Recipients' kind, household, category and area, kept for the whole replay (registered once, never changed):
    /// a recipient's are looked up once per chunk, when the recipient is numbered, and travel with the number.
    @exclusivity(unchecked) private var attributes: [String: RecipientRegistered.Attributes] = [:]

    private let lock = NSLock()
    /// Every number's text, and a recipient's attributes, in the order of the numbers.
    private var published: [(text: String, attributes: RecipientRegistered.Attributes?)] = []

    // The replaying side: its copy of `published`, extended when it meets a number it does not know yet.
    @exclusivity(unchecked) private var texts: [(text: String, attributes: RecipientRegistered.Attributes?)] = []

    /// Recipients' attributes kept at most: beyond this many they are forgotten between two chunks (about 60 bytes each).
    static let attributesKept = 1 << 20

    /// Keeps a registration's attributes as the reading thread meets it (reading side).
    func registered(_ p: RecipientRegistered) {
        attributes[p.recipient] = RecipientRegistered.Attributes(p)
    }

    /// The number of a recipient's id (reading side); `load` reads the attributes of one registered before the
    /// replay's first record.
    func recipient(_ id: String, load: (String) throws -> RecipientRegistered.Attributes?) throws -> Symbol {
        if let known = numbers[id] { return known }
        var a = attributes[id]
        if a == nil, let loaded = try load(id) {
            attributes[id] = loaded
            a = loaded
        }
        return add(id, a)
    }

    /// The number of a campaign's, donor's or item's id (reading side).
    func name(_ id: String) -> Symbol {
        for entry in few where entry.text == id { return entry.symbol }
        let symbol = numbers[id] ?? add(id)
        if few.count < 64 { few.append((id, symbol)) }
        return symbol
    }

    private func add(_ text: String, _ attributes: RecipientRegistered.Attributes? = nil) -> Symbol {
        let symbol = next
        next += 1
        numbers[text] = symbol
        lock.withLock { published.append((text, attributes)) }
        return symbol
    }

    /// The text of `symbol` (replaying side).
    func text(_ symbol: Symbol) -> String { entry(symbol).text }

    /// The attributes of the recipient numbered `symbol` (replaying side).
    func attributes(_ symbol: Symbol) -> RecipientRegistered.Attributes? { entry(symbol).attributes }

    private func entry(_ symbol: Symbol) -> (text: String, attributes: RecipientRegistered.Attributes?) {
        if Int(symbol) >= texts.count {
            lock.withLock { texts.append(contentsOf: published[texts.count...]) }
        }
        return texts[Int(symbol)]
    }

    /// Drops every number (between chunks, when no reading thread runs), keeping the memory: the next chunk numbers anew.
    func forget() {
        numbers.removeAll(keepingCapacity: true)
        few.removeAll(keepingCapacity: true)
        next = 0
        texts.removeAll(keepingCapacity: true)
        lock.withLock { published.removeAll(keepingCapacity: true) }
        if attributes.count > ReplaySymbols.attributesKept { attributes = [:] }
    }
}
