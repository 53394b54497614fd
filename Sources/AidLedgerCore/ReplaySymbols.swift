import Foundation

/// Numbers for the texts a replay's effects on recipients' summaries name (recipients, campaigns, donors, items), so
/// that the replaying thread finds a summary, and a campaign, donor or item in it, by comparing small integers
/// instead of hashing and comparing texts.
///
/// The reading thread numbers the texts while it works out the effects (`EffectPlan`), through `numbering`; the
/// replaying thread reads a number's text back when it needs one (a summary that does not hold the name yet, a
/// summary's key when it is written), through `texts`. Each side is an object of its own that the other thread never
/// touches: an object both threads used for every event had its reference count, and the fields beside it, pass from
/// core to core (a retain there took a tenth of the reading thread). They meet only in `Published`, under a lock,
/// when a number is new. A replay numbers anew for each chunk (`forget`), so the numbers take the memory of one
/// chunk's texts.
final class ReplaySymbols: Sendable {
    typealias Symbol = Int32
    /// A number's text, and a recipient's attributes.
    typealias Entry = (text: String, attributes: RecipientRegistered.Attributes?)

    /// The reading side.
    let numbering: Numbering
    /// The replaying side.
    let texts: Texts

    init() {
        let published = Published()
        numbering = Numbering(published)
        texts = Texts(published)
    }

    /// Drops every number (between chunks, when no reading thread runs), keeping the memory: the next chunk numbers
    /// anew. The attributes of the recipients registered in the chunk before, which the replaying thread read
    /// (`Texts.registered`), are kept for the chunks after, as the reading thread keeps those it reads itself.
    func forget() {
        texts.handOverRegistered(to: numbering)
        numbering.forget()
        texts.forget()
    }

    /// Every number's text, and a recipient's attributes, in the order of the numbers.
    final class Published: @unchecked Sendable {  // `entries` is under `lock`
        let lock = NSLock()
        var entries: [Entry] = []
    }

    /// Numbers texts: one chunk's reading thread at a time, each started after the one before has ended.
    final class Numbering: @unchecked Sendable {
        /// Numbers by the texts' UTF-8 bytes: an issuance read straight from its stored bytes (`IssuanceReading`)
        /// numbers its texts without making them.
        @exclusivity(unchecked) private var numbers = IDTable(capacity: Numbering.expected)
        /// Short ids numbered last, by their bytes (`name(bytes:)`).
        @exclusivity(unchecked) private var recent = Recent()
        /// Recipients' kind, household, category and area, kept for the whole replay (registered once, never
        /// changed): a recipient's are looked up once per chunk, when the recipient is numbered, and travel with the number.
        /// Found by the id's bytes (`attributeIndex` holds where in `attributes`, -1 once forgotten): keyed by the id as
        /// a `String`, every registration and every recipient new to a chunk hashed and compared the text again.
        @exclusivity(unchecked) private var attributeIndex = IDTable(capacity: Numbering.expected)
        @exclusivity(unchecked) private var attributes: [RecipientRegistered.Attributes] = []
        private let published: Published

        /// Ids a replay's tables have room for from the start (2 MiB each): a ledger of tens of thousands of households
        /// numbers them without its tables growing and placing every id again, step by step, during its registrations.
        static let expected = 1 << 15

        /// Recipients' attributes kept at most: beyond this many they are forgotten between two chunks (about 60 bytes each).
        static let attributesKept = 1 << 20

        fileprivate init(_ published: Published) { self.published = published }

        /// Keeps a registration's attributes as the reading thread meets it.
        func registered(_ p: RecipientRegistered) { registered(RecipientRegistered.Attributes(p)) }

        /// Numbers a recipient whose registration is read from its bytes (`RegistrationReading`), by their id's bytes:
        /// their attributes are read by the replaying thread (`Texts.registered`), and kept for the chunks after by
        /// the next chunk's (`keep(registered:)`). - Returns: the recipient's number, given here: the first record that
        /// names them finds it without looking for their attributes or making their id's text.
        func registered(bytes id: UnsafeRawBufferPointer) -> Symbol {
            let (symbol, new) = numbers.number(id)
            if new { publish(String(decoding: id, as: UTF8.self), nil) }
            return Symbol(symbol)
        }

        /// Keeps the attributes of a recipient registered in the chunk before, read by its replaying thread, unless
        /// their profile has changed since (`changed`): called between chunks, when no reading thread runs.
        fileprivate func keep(registered a: RecipientRegistered.Attributes) {
            var id = a.id
            id.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                if attributeIndex.value(bytes) == nil { keep(a, bytes: bytes) }
            }
        }

        /// Keeps a decoded registration's attributes.
        /// - Returns: the recipient's number.
        @discardableResult
        func registered(_ a: RecipientRegistered.Attributes) -> Symbol {
            var id = a.id
            return id.withUTF8 { utf8 in
                let bytes = UnsafeRawBufferPointer(utf8)
                keep(a, bytes: bytes)
                let (symbol, new) = numbers.number(bytes)
                if new { publish(a.id, a) }
                return Symbol(symbol)
            }
        }

        /// Keeps `a` as the attributes of the recipient whose id's bytes are `id`.
        private func keep(_ a: RecipientRegistered.Attributes, bytes id: UnsafeRawBufferPointer) {
            let at = attributes.count
            let i = Int(attributeIndex.update(id) { held in held.map { $0 >= 0 ? $0 : Int64(at) } ?? Int64(at) }.value)
            if i == at { attributes.append(a) } else { attributes[i] = a }
        }

        /// The attributes kept for the recipient whose id's bytes are `id`.
        private func kept(bytes id: UnsafeRawBufferPointer) -> RecipientRegistered.Attributes? {
            guard let i = attributeIndex.value(id), i >= 0 else { return nil }
            return attributes[Int(i)]
        }

        /// Forgets the attributes kept for a recipient whose household's profile changed: read again, for the position
        /// of the record that needs them, when a later chunk numbers them. (Not replaced with the new ones: this
        /// thread reads ahead of where its chunk may end, and the next chunk may start before the change.)
        func changed(_ recipient: String) {
            var id = recipient
            id.withUTF8 { _ = attributeIndex.update(UnsafeRawBufferPointer($0)) { _ in -1 } }
        }

        /// The number of a recipient's id; `load` reads the attributes of one registered before the replay's first
        /// record, or whose profile changed.
        func recipient(_ id: String, load: (String) throws -> RecipientRegistered.Attributes?) throws -> Symbol {
            var id = id
            return try id.withUTF8 { try recipient(bytes: UnsafeRawBufferPointer($0), load: load) }
        }

        /// `recipient(_:load:)` of an id's UTF-8 bytes: the id is made only when it is new to the chunk.
        func recipient(bytes: UnsafeRawBufferPointer, load: (String) throws -> RecipientRegistered.Attributes?) throws -> Symbol {
            let (symbol, new) = numbers.number(bytes)
            guard new else { return Symbol(symbol) }
            let id = String(decoding: bytes, as: UTF8.self)
            var a = kept(bytes: bytes)
            if a == nil, let loaded = try load(id) {
                keep(loaded, bytes: bytes)
                a = loaded
            }
            publish(id, a)
            return Symbol(symbol)
        }

        /// Asks the processor to bring in where the number of the recipient whose id's bytes are `id` is kept: a few
        /// records before the one that names them is read (`LogPrefetch`).
        @inline(__always)
        func prefetch(recipient id: UnsafeRawBufferPointer) { numbers.prefetch(id) }

        /// The number of a campaign's, donor's or item's id.
        func name(_ id: String) -> Symbol {
            var id = id
            return id.withUTF8 { name(bytes: UnsafeRawBufferPointer($0)) }
        }

        /// `name(_:)` of an id's UTF-8 bytes. A short id is looked for first among the ids numbered last (`Recent`):
        /// most records name the same few sites, campaigns and items, found there in a fraction of a hash table's look-up.
        func name(bytes: UnsafeRawBufferPointer) -> Symbol {
            recent.number(bytes) {
                let (symbol, new) = numbers.number(bytes)
                if new { publish(String(decoding: bytes, as: UTF8.self), nil) }
                return Symbol(symbol)
            }!  // a number is always made
        }

        /// Hands a newly numbered text to the replaying side.
        private func publish(_ text: String, _ attributes: RecipientRegistered.Attributes?) {
            published.lock.withLock { published.entries.append((text, attributes)) }
        }

        fileprivate func forget() {
            numbers.removeAll()
            recent.removeAll()
            published.lock.withLock { published.entries.removeAll(keepingCapacity: true) }
            if attributes.count > Numbering.attributesKept {
                attributeIndex = IDTable(capacity: Numbering.expected)
                attributes = []
            }
        }
    }

    /// Reads numbers back: the replaying thread's copy of what was published, extended when it meets a number it
    /// does not know yet.
    final class Texts: @unchecked Sendable {
        @exclusivity(unchecked) private var known: [Entry] = []
        /// The recipients whose attributes this side read from their registrations (`registered`), in the chunk's order.
        @exclusivity(unchecked) private var registeredHere: [Symbol] = []
        private let published: Published

        fileprivate init(_ published: Published) { self.published = published }

        /// The text of `symbol`.
        func text(_ symbol: Symbol) -> String { entry(symbol).text }

        /// The attributes of the recipient numbered `symbol`.
        func attributes(_ symbol: Symbol) -> RecipientRegistered.Attributes? { entry(symbol).attributes }

        /// Sets the attributes of the recipient numbered `symbol` from their registration, read by this side
        /// (`RegistrationReading.entry`): published by the reading side without them.
        func registered(_ symbol: Symbol, _ profile: RegistrationReading.Profile) {
            let text = entry(symbol).text  // known from here on
            known[Int(symbol)].attributes = RecipientRegistered.Attributes(id: text, profile)
            registeredHere.append(symbol)
        }

        /// Hands the attributes read from registrations to the reading side, to keep for the chunks after.
        fileprivate func handOverRegistered(to numbering: Numbering) {
            for symbol in registeredHere {
                if let a = known[Int(symbol)].attributes { numbering.keep(registered: a) }
            }
            registeredHere.removeAll(keepingCapacity: true)
        }

        private func entry(_ symbol: Symbol) -> Entry {
            if Int(symbol) >= known.count {
                published.lock.withLock { known.append(contentsOf: published.entries[known.count...]) }
            }
            return known[Int(symbol)]
        }

        fileprivate func forget() { known.removeAll(keepingCapacity: true) }
    }
}

extension ReplaySymbols {
    /// The number of the text a reading met last in one place of its records (an issuance's site, campaign or item):
    /// the next record mostly names the same, known here by its words alone, without a call into the numbering.
    struct LastName {
        private var key = ShortKeyTable.Key.none
        private var symbol: Symbol = -1

        /// The number of the text whose bytes are `bytes`, numbered in `numbering` unless it is the last one met.
        @inline(__always)
        mutating func number(_ bytes: UnsafeRawBufferPointer, in numbering: Numbering) -> Symbol {
            guard let k = ShortKeyTable.Key(bytes) else { return numbering.name(bytes: bytes) }
            if k == key { return symbol }
            (key, symbol) = (k, numbering.name(bytes: bytes))
            return symbol
        }
    }

    /// Numbers of ids of up to 16 bytes, kept where their bytes say (a direct-mapped table of 64): a look-up compares
    /// two words and a length. A newer id whose bytes say the same place takes it.
    struct Recent {
        private struct Entry {
            var key = ShortKeyTable.Key.none
            var symbol: Symbol = -1
        }
        private var entries = [Entry](repeating: Entry(), count: 64)

        /// The number of the id whose bytes are `id`: the one kept here for a short id, or what `number` gives (then
        /// kept for the next time; nil is kept nowhere).
        @inline(__always)
        mutating func number(_ id: UnsafeRawBufferPointer, _ number: () -> Symbol?) -> Symbol? {
            let short = ShortKeyTable.Key(id)
            if let short, let known = symbol(short) { return known }
            guard let made = number() else { return nil }
            if let short { entries[Recent.place(short)] = Entry(key: short, symbol: made) }
            return made
        }

        @inline(__always)
        private static func place(_ key: ShortKeyTable.Key) -> Int { Int(truncatingIfNeeded: key.mixed >> 58) }

        /// The number kept for the id whose words are `key`.
        @inline(__always)
        private func symbol(_ key: ShortKeyTable.Key) -> Symbol? {
            entries.withUnsafeBufferPointer { e in
                let entry = e[Recent.place(key)]
                return entry.key == key ? entry.symbol : nil
            }
        }

        /// Forgets every number (a chunk numbers anew).
        mutating func removeAll() {
            for i in entries.indices { entries[i] = Entry() }
        }
    }
}
