import LMDBStore

/// The ledger's layout in LMDB: the log and the projections kept beside it in the same transactions.
///
/// | database   | key                                   | value                                    |
/// |------------|---------------------------------------|------------------------------------------|
/// | log        | position (u64 BE)                      | the stored record (`EventRecord`)        |
/// | meta       | "head"                                 | position, hash, recorded-at of the last  |
/// |            | "layout"                               | the projections' layout (`Ledger.layout`)|
/// | command-index | command id                            | `CommandEntry`: digest, first position, count |
/// | registry   | kind letter + id                       | schema version + registration payload    |
/// | documents  | document HMAC, first 16 bytes          | recipient id                             |
/// | lots       | lot id (u64 BE)                        | `Lot`                                    |
/// | stock      | site 0 item 0 lot                      | units on hand (i64 BE)                   |
/// | cash       | campaign 0 lot                         | kopecks not yet granted (i64 BE)         |
/// | recipients | recipient id                           | `RecipientSummary` (received, issued lines) |
/// | voids      | voided position                        | position of the void                     |
/// | versions   | kind letter + id                       | position of the entity's last change     |
/// | totals     | counter name                           | i64 BE                                   |
/// | checkpoints| position (u64 BE)                      | a signed checkpoint (JSON)               |
/// | tokens     | "h:" SHA-256 of a token / "n:" name    | its holder / the token's hash            |
struct LedgerStore {
    static let names = ["log", "meta", "command-index", "registry", "documents", "lots", "stock", "cash", "recipients", "voids", "versions", "totals", "checkpoints", "tokens"]
    /// The databases a rebuild recomputes from the log.
    static let projectionNames = ["registry", "documents", "lots", "stock", "cash", "recipients", "voids", "versions", "totals"]

    let log, meta, commandIndex, registry, documents, lots, stock, cash, recipients, voids, versions, totals, checkpoints, tokens: Database

    init(_ env: Environment) {
        log = env.database("log")
        meta = env.database("meta")
        commandIndex = env.database("command-index")
        registry = env.database("registry")
        documents = env.database("documents")
        lots = env.database("lots")
        stock = env.database("stock")
        cash = env.database("cash")
        recipients = env.database("recipients")
        voids = env.database("voids")
        versions = env.database("versions")
        totals = env.database("totals")
        checkpoints = env.database("checkpoints")
        tokens = env.database("tokens")
    }

    // MARK: Keys

    static func be64(_ v: UInt64) -> [UInt8] {
        withUnsafeBytes(of: v.bigEndian) { Array($0) }
    }

    static func readBE64(_ b: some Collection<UInt8>) -> UInt64 { b.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }

    /// `readBE64` of bytes in place (a log key, a counter's value), in one load when there are eight: a replay reads
    /// every record's position so, and the collection's prefix cost ten times more.
    static func readBE64(_ b: UnsafeRawBufferPointer) -> UInt64 {
        guard b.count >= 8 else { return b.reduce(0) { $0 << 8 | UInt64($1) } }
        return UInt64(bigEndian: b.loadUnaligned(as: UInt64.self))
    }

    static func int64Value(_ v: Int64) -> [UInt8] { be64(UInt64(bitPattern: v)) }

    static func key(_ parts: String...) -> [UInt8] { key(parts) }

    static func key(_ parts: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (i, p) in parts.enumerated() {
            if i > 0 { out.append(0) }
            out.append(contentsOf: p.utf8)
        }
        return out
    }

    /// Appends the text's UTF-8 bytes in one copy (appending `utf8` goes byte by byte for short strings).
    @inline(__always)
    static func appendUTF8(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    static func stockPrefix(site: String, item: String) -> [UInt8] { key(site, item) + [0] }

    static func stockKey(site: String, item: String, lot: UInt64) -> [UInt8] { CounterKey.stock(site: site, item: item, lot: lot).bytes }

    static func cashPrefix(campaign: String) -> [UInt8] { key(campaign) + [0] }

    static func cashKey(campaign: String, lot: UInt64) -> [UInt8] { CounterKey.cash(campaign: campaign, lot: lot).bytes }

    /// The documents index is keyed by the first 16 bytes of each document's keyed hash (the events keep all 32).
    static func documentKey(_ hash: [UInt8]) -> [UInt8] { Array(hash.prefix(16)) }

    // MARK: Counters (stock, cash, totals)

    func int64(_ txn: borrowing some KeyValueStore & ~Copyable, _ db: Database, _ key: [UInt8]) throws -> Int64 {
        guard let v = try txn.get(db, key) else { return 0 }
        return Int64(bitPattern: LedgerStore.readBE64(v))
    }

    /// Adds `delta` to a counter, removing it when it reaches zero so scans stay short.
    /// - Returns: the new value.
    @discardableResult
    func add(_ txn: borrowing some KeyValueStore & ~Copyable, _ db: Database, _ key: [UInt8], _ delta: Int64) throws -> Int64 {
        let value = try int64(txn, db, key).adding(delta, describing: "a running total")
        try setCounter(txn, db, key, value)
        return value
    }

    /// Writes a counter's value, removing the entry at zero so scans stay short.
    func setCounter(_ txn: borrowing some KeyValueStore & ~Copyable, _ db: Database, _ key: [UInt8], _ value: Int64) throws {
        if value == 0 {
            try txn.delete(db, key)
            return
        }
        try key.withUnsafeBytes { k in try LedgerStore.put(txn, db, key: k, value) }
    }

    /// `setCounter` of a key held elsewhere (a replay's table), through a writer of keys in order: the key and the
    /// value are written from where they are.
    static func setCounter(_ w: KeyOrderWriter, key: UnsafeRawBufferPointer, _ value: Int64) throws {
        if value == 0 { return try w.delete(key: key) }
        try LedgerStore.put(w, key: key, value)
    }

    /// Writes an 8-byte big-endian number (a counter, a version) under a key held elsewhere, through a writer of keys
    /// in order.
    static func put(_ w: KeyOrderWriter, key: UnsafeRawBufferPointer, _ value: Int64) throws {
        try withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { v in try w.put(key: key, value: v) }
    }

    /// Writes an 8-byte big-endian number (a counter, a version) under a key held elsewhere, from the stack.
    static func put(_ txn: borrowing some KeyValueStore & ~Copyable, _ db: Database, key: UnsafeRawBufferPointer, _ value: Int64) throws {
        try withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { v in try txn.put(db, key: key, value: v, options: []) }
    }

    /// The lots of `item` at `site` with units on hand, in lot order.
    /// Every stock entry with units on hand, in key order (site, item, lot).
    func stockOnHand(_ txn: borrowing some KeyValueStore & ~Copyable) throws -> [(site: String, item: String, lot: UInt64, units: Int64)] {
        var out: [(site: String, item: String, lot: UInt64, units: Int64)] = []
        try txn.forEach(stock, prefix: []) { k, v in
            // site 0 item 0 lot: the lot's eight bytes may hold zeros, so only the first two are split off.
            let parts = k.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
            let units = Int64(bitPattern: LedgerStore.readBE64(v))
            if parts.count == 3, units > 0 {
                out.append((String(decoding: parts[0], as: UTF8.self), String(decoding: parts[1], as: UTF8.self), LedgerStore.readBE64(k.suffix(8)), units))
            }
            return true
        }
        return out
    }

    func stock(_ txn: borrowing some KeyValueStore & ~Copyable, site: String, item: String) throws -> [(lot: UInt64, quantity: Int64)] {
        var out: [(UInt64, Int64)] = []
        let prefix = LedgerStore.stockPrefix(site: site, item: item)
        try txn.forEach(stock, prefix: prefix) { k, v in
            out.append((LedgerStore.readBE64(k.dropFirst(prefix.count)), Int64(bitPattern: LedgerStore.readBE64(v))))
            return true
        }
        return out
    }

    /// The campaign's cash lots with kopecks left, oldest first.
    func cash(_ txn: borrowing some KeyValueStore & ~Copyable, campaign: String) throws -> [(lot: UInt64, amount: Int64)] {
        var out: [(UInt64, Int64)] = []
        let prefix = LedgerStore.cashPrefix(campaign: campaign)
        try txn.forEach(cash, prefix: prefix) { k, v in
            out.append((LedgerStore.readBE64(k.dropFirst(prefix.count)), Int64(bitPattern: LedgerStore.readBE64(v))))
            return true
        }
        return out
    }

    func lot(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: UInt64) throws -> Lot? {
        try txn.get(lots, LedgerStore.be64(id)).map { try Lot.decode(id: id, $0) }
    }

    // MARK: Commands

    /// What the ledger kept of command `id`, if it ran.
    func command(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> CommandEntry? {
        try txn.get(commandIndex, Array(id.utf8)).map { try CommandEntry(decoding: $0) }
    }

    func setCommand(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String, _ entry: CommandEntry) throws {
        try txn.put(commandIndex, Array(id.utf8), entry.encoded())
    }

    // MARK: Recipients

    /// What the projections hold about a recipient's receipts (empty before their first).
    func summary(_ txn: borrowing some KeyValueStore & ~Copyable, _ recipient: String) throws -> RecipientSummary {
        guard let bytes = try storedSummary(txn, recipient) else { return RecipientSummary() }
        return try RecipientSummary(decoding: bytes)
    }

    /// The recipient's summary as stored (nil before their first receipt).
    func storedSummary(_ txn: borrowing some KeyValueStore & ~Copyable, _ recipient: String) throws -> [UInt8]? {
        try txn.get(recipients, Array(recipient.utf8))
    }

    /// - Returns: the bytes written, or nil when the empty summary's entry was removed.
    @discardableResult
    func setSummary(_ txn: borrowing some KeyValueStore & ~Copyable, _ recipient: String, _ summary: RecipientSummary) throws -> [UInt8]? {
        let id = Array(recipient.utf8)
        guard !summary.isEmpty else {
            try txn.delete(recipients, id)
            return nil
        }
        let bytes = summary.encoded()
        try txn.put(recipients, id, bytes)
        return bytes
    }

    // MARK: Registry

    /// Registry keys: a letter for the kind, then the id.
    enum Kind: Character {
        case donor = "d", site = "s", item = "i", campaign = "c", recipient = "r"
        /// A recipient whose personal data was erased (the value is the erasure's position).
        case erased = "x"
        /// A recipient whose household's profile changed: each change's position, profile before and after, oldest first.
        case profileChanges = "h"
        var letter: UInt8 {
            switch self {
            case .donor: UInt8(ascii: "d")
            case .site: UInt8(ascii: "s")
            case .item: UInt8(ascii: "i")
            case .campaign: UInt8(ascii: "c")
            case .recipient: UInt8(ascii: "r")
            case .erased: UInt8(ascii: "x")
            case .profileChanges: UInt8(ascii: "h")
            }
        }
        func key(_ id: String) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(id.utf8.count + 1)
            out.append(letter)
            LedgerStore.appendUTF8(id, to: &out)
            return out
        }
    }

    func registered<P: EventPayload>(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: Kind, _ id: String, as: P.Type) throws -> P? {
        try txn.get(registry, kind.key(id)).map { try LedgerStore.registration($0, as: P.self) }
    }

    /// The first fields of a recipient's registration (kind, household size, category, area), without decoding the
    /// documents and sealed data after them; nil when there is no such recipient.
    func recipientAttributes(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> RecipientRegistered.Attributes? {
        try txn.get(registry, Kind.recipient.key(id)).map { try RecipientRegistered.Attributes($0) }
    }

    /// The recipient's attributes in effect for the event at `position`: the registry's, or, when their household's
    /// profile changed at that position or later, the profile before the first such change (a change holds for the
    /// events after it). Right for a replay or a report at any point, since the registry read holds every change.
    func recipientAttributes(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String, at position: UInt64) throws -> RecipientRegistered.Attributes? {
        guard let now = try recipientAttributes(txn, id) else { return nil }
        guard let later = try profileChanges(txn, id).first(where: { $0.position >= position }) else { return now }
        return later.change.before.applied(to: now)
    }

    /// The changes of a recipient's profile, oldest first.
    func profileChanges(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> [(position: UInt64, change: RecipientProfile.Change)] {
        guard let bytes = try txn.get(registry, Kind.profileChanges.key(id)) else { return [] }
        return try ByteReader.reading(bytes) { r in try r.array { (position: try $0.u64(), change: try RecipientProfile.Change.decode(&$0)) } }
    }

    /// Adds a change of a recipient's profile, made by the event at `position`, after those before it.
    func addProfileChange(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String, at position: UInt64, _ change: RecipientProfile.Change) throws {
        let changes = try profileChanges(txn, id).filter { $0.position < position } + [(position, change)]
        var w = ByteWriter()
        w.array(changes) { w, c in
            w.u64(c.position)
            c.change.encode(into: &w)
        }
        try txn.put(registry, Kind.profileChanges.key(id), w.bytes)
    }

    /// A registry entry's payload: its schema version, then its fields.
    static func registration<P: EventPayload>(_ bytes: [UInt8], as: P.Type) throws -> P {
        guard let version = bytes.first else { throw DecodeError.truncated(at: 0) }
        return try ByteReader.reading(bytes, offset: 1) { try P.decode(&$0, version: version) }
    }

    func register<P: EventPayload>(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: Kind, _ id: String, _ payload: P) throws {
        let (key, value) = LedgerStore.registryEntry(kind, id, payload)
        try txn.put(registry, key, value)
    }

    /// The registry's key and entry for the entity `id` of `kind` as `payload` holds it.
    static func registryEntry<P: EventPayload>(_ kind: Kind, _ id: String, _ payload: P) -> (key: [UInt8], value: [UInt8]) {
        var w = ByteWriter()
        w.u8(P.schemaVersion)
        payload.encode(into: &w)
        return (kind.key(id), w.bytes)
    }

    /// The position of the entity's last change (0 when it never changed).
    func version(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: Kind, _ id: String) throws -> UInt64 {
        try txn.get(versions, kind.key(id)).map { LedgerStore.readBE64($0) } ?? 0
    }

    func setVersion(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: Kind, _ id: String, _ position: UInt64) throws {
        try txn.put(versions, kind.key(id), LedgerStore.be64(position))
    }

    // MARK: Log

    /// The last record's position, hash and recording time, or the genesis values.
    func head(_ txn: borrowing some KeyValueStore & ~Copyable) throws -> Head {
        guard let b = try txn.get(meta, Array("head".utf8)), b.count == 48 else { return Head() }
        return Head(position: LedgerStore.readBE64(b), hash: Array(b[8..<40]), recordedAt: Int64(bitPattern: LedgerStore.readBE64(b[40...])))
    }

    func setHead(_ txn: borrowing some KeyValueStore & ~Copyable, _ head: Head) throws {
        try txn.put(meta, Array("head".utf8), LedgerStore.be64(head.position) + head.hash + LedgerStore.int64Value(head.recordedAt))
    }

    /// The record at `position`; `envelope: false`, in a replay's form (see `EventRecord.decode`).
    func record(_ txn: borrowing some KeyValueStore & ~Copyable, at position: UInt64, envelope: Bool = true) throws -> EventRecord? {
        guard let stored = try txn.get(log, LedgerStore.be64(position)) else { return nil }
        return try EventRecord.decode(position: position, stored: stored, envelope: envelope)
    }

    /// The event the void at `position` names, read from the log.
    func voidTarget(of v: EventVoided, at position: UInt64, in log: borrowing some KeyValueStore & ~Copyable) throws -> EventRecord {
        guard let target = try record(log, at: v.target) else {
            throw LedgerError(.corruptRecord, "event #\(v.target), voided by #\(position), is missing")
        }
        return target
    }

    /// The lot an intake brought, read from the log: its id is the intake's position.
    func lotFromLog(_ log: borrowing some KeyValueStore & ~Copyable, _ id: UInt64) throws -> Lot {
        // Decoded in a replay's form (no command id, actor nor hash): a lot needs none of them.
        guard let intake = try record(log, at: id, envelope: false), let lot = Lot(intake: intake) else {
            throw LedgerError(.corruptRecord, "lot #\(id) names no intake in the log; run aidledger verify")
        }
        return lot
    }

    /// The record under a cursor over the log (its key and stored bytes); one that cannot be read is a corrupt record,
    /// named by its position. `envelope: false`: a replay's form (see `EventRecord.decode`).
    static func logRecord(_ key: UnsafeRawBufferPointer, _ stored: UnsafeRawBufferPointer, envelope: Bool = true) throws -> EventRecord {
        let position = readBE64(key)
        guard let record = try? EventRecord.decode(position: position, bytes: stored, envelope: envelope) else {
            throw unreadable(position)
        }
        return record
    }

    /// What a record that cannot be decoded is reported as.
    static func unreadable(_ position: UInt64) -> LedgerError {
        LedgerError(.corruptRecord, "record #\(position) cannot be read; run aidledger verify")
    }
}

/// Where the log ends: the next record chains from here.
struct Head: Equatable {
    var position: UInt64 = 0
    var hash: [UInt8] = EventRecord.genesisHash
    var recordedAt: Int64 = 0
}
