/// Everything the projections keep about one recipient, in one LMDB entry: what their card shows and what
/// the entitlement checks read. One read serves the card; one write per event keeps it current.
///
/// The campaign, donor and item ids are kept once each in `names` and referred to by index, in memory as in the
/// stored entry: changing a summary compares small integers, and encoding it writes integers, not strings.
/// The stored form is canonical (names in the order the fields first use them), so a summary encodes to the same
/// bytes whichever way it was reached: event by event on the append path, or many events at once in a replay.
struct RecipientSummary {
    /// An index into `names`.
    typealias Name = Int32

    /// One issued line: the entitlement checks read these.
    struct Issue: Equatable {
        var campaign: Name
        var item: Name
        var day: BusinessDate
        var position: UInt64
        var quantity: Int64
    }

    /// Units and value of one item from one campaign or donor.
    struct Goods: Equatable {
        var id: Name
        var item: Name
        var units: Int64
        var value: Int64
    }

    struct Cash: Equatable {
        var id: Name
        var amount: Int64
    }

    /// Whether a reach count is per donor or per campaign.
    enum Scope: UInt8 { case donor = 1, campaign = 2 }

    /// Events that reached the recipient through one donor or campaign.
    struct Reach: Equatable {
        var scope: Scope
        var id: Name
        var events: Int64
    }

    private(set) var names: [String] = []
    var issuances: Int64 = 0
    var grants: Int64 = 0
    /// Issued lines in position order.
    private(set) var history: [Issue] = []
    /// Sorted by id, then item (by their text).
    private(set) var goodsByCampaign: [Goods] = []
    private(set) var goodsByDonor: [Goods] = []
    /// Sorted by id (by its text).
    private(set) var cashByCampaign: [Cash] = []
    private(set) var cashByDonor: [Cash] = []
    /// In the order the donors and campaigns first reached the recipient.
    private(set) var reach: [Reach] = []

    var isEmpty: Bool {
        issuances == 0 && grants == 0 && history.isEmpty && goodsByCampaign.isEmpty && goodsByDonor.isEmpty
            && cashByCampaign.isEmpty && cashByDonor.isEmpty && reach.isEmpty
    }

    // MARK: Reading

    /// Cash received in all.
    func cash() throws(LedgerError) -> Int64 { try Int64.sum(cashByCampaign.lazy.map(\.amount), describing: "the cash the recipient received") }

    /// Goods by campaign and by donor, with their ids as text.
    var sharesByCampaign: [RecipientBalance.Share] { goodsByCampaign.map(share) }
    var sharesByDonor: [RecipientBalance.Share] { goodsByDonor.map(share) }

    /// Cash by campaign and by donor, with their ids as text.
    var cashSharesByCampaign: [(id: String, amount: Int64)] { cashByCampaign.map { (names[Int($0.id)], $0.amount) } }
    var cashSharesByDonor: [(id: String, amount: Int64)] { cashByDonor.map { (names[Int($0.id)], $0.amount) } }

    private func share(_ g: Goods) -> RecipientBalance.Share {
        RecipientBalance.Share(id: names[Int(g.id)], item: names[Int(g.item)], units: g.units, value: g.value)
    }

    /// Units and value by item (every issuance is under one campaign, so these are the campaigns' sums).
    func items() throws(LedgerError) -> [(item: String, units: Int64, value: Int64)] {
        // A handful of items: a sorted array beats a dictionary.
        var out: [(item: String, units: Int64, value: Int64)] = []
        for g in goodsByCampaign {
            let item = names[Int(g.item)]
            guard let i = out.firstIndex(where: { $0.item == item }) else {
                out.append((item, g.units, g.value))
                continue
            }
            try Int64.add(g.units, to: &out[i].units, describing: "the units of \(item) the recipient received")
            try Int64.add(g.value, to: &out[i].value, describing: "the value of \(item) the recipient received")
        }
        return out.sorted { $0.item < $1.item }
    }

    /// The campaigns the recipient received goods from, sorted.
    var campaigns: [String] {
        var out: [Name] = []
        for h in history where !out.contains(h.campaign) { out.append(h.campaign) }
        return out.map { names[Int($0)] }.sorted()
    }

    /// The first and the last day goods were issued.
    var issuedDays: (first: BusinessDate, last: BusinessDate)? {
        guard let first = history.first?.day else { return nil }
        return history.reduce((first, first)) { (min($0.0, $1.day), max($0.1, $1.day)) }
    }

    /// Days and units issued under `campaign` of `item`, for an entitlement check.
    func history(campaign: String, item: String) -> [(day: BusinessDate, quantity: Int64)] {
        guard let c = names.firstIndex(of: campaign), let i = names.firstIndex(of: item) else { return [] }
        return history.filter { $0.campaign == Name(c) && $0.item == Name(i) }.map { ($0.day, $0.quantity) }
    }

    // MARK: Changes

    /// The index of `name`, added when the summary does not hold it yet.
    mutating func name(_ name: String) -> Name {
        // Lengths first: a summary's campaigns, donors and items mostly differ in length, and comparing two lengths
        // costs far less than comparing two texts.
        let length = name.utf8.count
        if let i = names.firstIndex(where: { $0.utf8.count == length && $0 == name }) { return Name(i) }
        names.append(name)
        return Name(names.count - 1)
    }

    mutating func addGoods(campaign: String, donor: String, item: String, units: Int64, value: Int64) {
        addGoods(name(campaign), name(donor), name(item), units: units, value: value)
    }

    mutating func addGoods(_ campaign: Name, _ donor: Name, _ item: Name, units: Int64, value: Int64) {
        RecipientSummary.add(&goodsByCampaign, campaign, item, units, value, names)
        RecipientSummary.add(&goodsByDonor, donor, item, units, value, names)
    }

    mutating func addCash(campaign: String, donor: String, amount: Int64) {
        addCash(name(campaign), name(donor), amount: amount)
    }

    mutating func addCash(_ campaign: Name, _ donor: Name, amount: Int64) {
        RecipientSummary.add(&cashByCampaign, campaign, amount, names)
        RecipientSummary.add(&cashByDonor, donor, amount, names)
    }

    mutating func addIssued(campaign: String, item: String, day: BusinessDate, position: UInt64, quantity: Int64) {
        addIssued(name(campaign), name(item), day: day, position: position, quantity: quantity)
    }

    mutating func addIssued(_ campaign: Name, _ item: Name, day: BusinessDate, position: UInt64, quantity: Int64) {
        history.append(Issue(campaign: campaign, item: item, day: day, position: position, quantity: quantity))
    }

    /// Removes the lines an event issued (its void).
    mutating func removeIssued(at position: UInt64) { history.removeAll { $0.position == position } }

    /// Whether `a` sorts before `b` by their text.
    private static func precedes(_ a: (Name, Name), _ b: (Name, Name), _ names: [String]) -> Bool {
        a.0 == b.0 ? names[Int(a.1)] < names[Int(b.1)] : names[Int(a.0)] < names[Int(b.0)]
    }

    // Static, with the names passed in: a method of the summary changing one of its own arrays would copy the whole
    // summary to read its names.
    /// Inserts `element` at `at` by appending it and moving it down: `Array.insert` went through its generic range
    /// replacement, some 300 instructions for a summary's few entries (a replay inserts for most issuances).
    private static func insert<T>(_ element: T, into array: inout [T], at: Int) {
        array.append(element)
        array.withUnsafeMutableBufferPointer { b in
            var j = b.count - 1
            while j > at {
                b.swapAt(j, j - 1)
                j -= 1
            }
        }
    }

    private static func add(_ goods: inout [Goods], _ id: Name, _ item: Name, _ units: Int64, _ value: Int64, _ names: [String]) {
        if let i = goods.firstIndex(where: { $0.id == id && $0.item == item }) {
            goods[i].units += units
            goods[i].value += value
            if goods[i].units == 0 && goods[i].value == 0 { goods.remove(at: i) }
        } else if units != 0 || value != 0 {
            let at = goods.firstIndex { !precedes(($0.id, $0.item), (id, item), names) } ?? goods.endIndex
            insert(Goods(id: id, item: item, units: units, value: value), into: &goods, at: at)
        }
    }

    private static func add(_ cash: inout [Cash], _ id: Name, _ amount: Int64, _ names: [String]) {
        if let i = cash.firstIndex(where: { $0.id == id }) {
            cash[i].amount += amount
            if cash[i].amount == 0 { cash.remove(at: i) }
        } else if amount != 0 {
            let at = cash.firstIndex { names[Int($0.id)] >= names[Int(id)] } ?? cash.endIndex
            insert(Cash(id: id, amount: amount), into: &cash, at: at)
        }
    }

    /// The donors and campaigns whose reach holds the recipient now.
    var reached: [(scope: Scope, id: String)] { reach.map { ($0.scope, names[Int($0.id)]) } }

    /// Adds `sign` to the events that reached the recipient through `id`. - Returns: the new count.
    mutating func reach(_ scope: Scope, _ id: String, _ sign: Int64) -> Int64 { reach(scope, name(id), sign) }

    mutating func reach(_ scope: Scope, _ n: Name, _ sign: Int64) -> Int64 {
        if let i = reach.firstIndex(where: { $0.scope == scope && $0.id == n }) {
            reach[i].events += sign
            let events = reach[i].events
            if events == 0 { reach.remove(at: i) }
            return events
        }
        reach.append(Reach(scope: scope, id: n, events: sign))
        return sign
    }

    // MARK: Encoding

    static let formatVersion: UInt8 = 1

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 48 + history.count * 12 + names.reduce(0) { $0 + $1.utf8.count + 1 })
        encode(into: &w)
        return w.bytes
    }

    /// Appends the summary's stored form to `w` (a replay writes every summary of its chunk through one writer).
    func encode(into w: inout ByteWriter) {
        // Names renumbered in the order the fields first use them; names no field uses any more are left out.
        // (Plain loops: a nested function or closure capturing these arrays would box them.)
        var numbering = [Name](repeating: -1, count: names.count)
        var order: [Name] = []
        order.reserveCapacity(names.count)
        for h in history { RecipientSummary.use(h.campaign, &numbering, &order); RecipientSummary.use(h.item, &numbering, &order) }
        for g in goodsByCampaign { RecipientSummary.use(g.id, &numbering, &order); RecipientSummary.use(g.item, &numbering, &order) }
        for g in goodsByDonor { RecipientSummary.use(g.id, &numbering, &order); RecipientSummary.use(g.item, &numbering, &order) }
        for c in cashByCampaign { RecipientSummary.use(c.id, &numbering, &order) }
        for c in cashByDonor { RecipientSummary.use(c.id, &numbering, &order) }
        for r in reach { RecipientSummary.use(r.id, &numbering, &order) }
        let canonical = numbering
        let ref = { (n: Name) in UInt64(canonical[Int(n)]) }
        w.u8(RecipientSummary.formatVersion)
        w.varint(UInt64(order.count))
        for n in order { w.string(names[Int(n)]) }
        w.int(issuances)
        w.int(grants)
        w.array(history) { w, h in h.write(into: &w, ref) }
        w.array(goodsByCampaign) { w, g in g.write(into: &w, ref) }
        w.array(goodsByDonor) { w, g in g.write(into: &w, ref) }
        w.array(cashByCampaign) { w, c in c.write(into: &w, ref) }
        w.array(cashByDonor) { w, c in c.write(into: &w, ref) }
        w.array(reach) { w, r in r.write(into: &w, ref) }
    }

    /// Numbers `n` next in `order` unless it has its number already.
    private static func use(_ n: Name, _ numbering: inout [Name], _ order: inout [Name]) {
        if numbering[Int(n)] < 0 {
            numbering[Int(n)] = Name(order.count)
            order.append(n)
        }
    }

    init() {}

    /// Decodes a stored summary.
    init(decoding bytes: [UInt8]) throws {
        self = try ByteReader.reading(bytes) { try RecipientSummary(reading: &$0) }
    }

    private init(reading r: inout ByteReader) throws {
        guard try r.u8() == RecipientSummary.formatVersion else { throw DecodeError.invalid("a recipient summary of an unknown format", at: 0) }
        names = try r.array { try $0.string() }
        let count = names.count
        func name(_ r: inout ByteReader) throws -> Name { Name(try RecipientSummary.nameIndex(&r, below: count)) }
        issuances = try r.int()
        grants = try r.int()
        history = try r.array { r in try Issue(reading: &r, name) }
        goodsByCampaign = try r.array { r in try Goods(reading: &r, name) }
        goodsByDonor = try r.array { r in try Goods(reading: &r, name) }
        cashByCampaign = try r.array { r in try Cash(reading: &r, name) }
        cashByDonor = try r.array { r in try Cash(reading: &r, name) }
        reach = try r.array { r in try Reach(reading: &r, name) }
    }

    /// A name's index in a stored summary of `count` names.
    @inline(__always)
    static func nameIndex(_ r: inout ByteReader, below count: Int) throws -> Int {
        let i = try r.varint()
        guard i < count else { throw DecodeError.invalid("a name index beyond the summary's names", at: r.offset) }
        return Int(i)
    }
}

// MARK: Stored lines

// Each line's stored form in one place: a summary and a replay's summaries (`ReplaySummaries`, `SummaryEncoder`)
// read and write their lines through these, their names read by `name` and numbered by `ref` as each one keeps them.

extension RecipientSummary.Issue {
    @inline(__always)
    init(reading r: inout ByteReader, _ name: (inout ByteReader) throws -> RecipientSummary.Name) throws {
        self.init(campaign: try name(&r), item: try name(&r), day: try r.date(), position: try r.varint(), quantity: try r.int())
    }

    @inline(__always)
    func write(into w: inout ByteWriter, _ ref: (RecipientSummary.Name) -> UInt64) {
        // As `date` writes the day.
        w.varints(5) { r in r.varint(ref(campaign)); r.varint(ref(item)); r.int(Int64(day.day)); r.varint(position); r.int(quantity) }
    }
}

extension RecipientSummary.Goods {
    @inline(__always)
    init(reading r: inout ByteReader, _ name: (inout ByteReader) throws -> RecipientSummary.Name) throws {
        self.init(id: try name(&r), item: try name(&r), units: try r.int(), value: try r.int())
    }

    @inline(__always)
    func write(into w: inout ByteWriter, _ ref: (RecipientSummary.Name) -> UInt64) {
        w.varints(4) { r in r.varint(ref(id)); r.varint(ref(item)); r.int(units); r.int(value) }
    }
}

extension RecipientSummary.Cash {
    @inline(__always)
    init(reading r: inout ByteReader, _ name: (inout ByteReader) throws -> RecipientSummary.Name) throws {
        self.init(id: try name(&r), amount: try r.int())
    }

    @inline(__always)
    func write(into w: inout ByteWriter, _ ref: (RecipientSummary.Name) -> UInt64) {
        w.varints(2) { r in r.varint(ref(id)); r.int(amount) }
    }
}

extension RecipientSummary.Reach {
    @inline(__always)
    init(reading r: inout ByteReader, _ name: (inout ByteReader) throws -> RecipientSummary.Name) throws {
        guard let scope = RecipientSummary.Scope(rawValue: try r.u8()) else { throw DecodeError.invalid("an unknown reach scope", at: r.offset) }
        self.init(scope: scope, id: try name(&r), events: try r.int())
    }

    @inline(__always)
    func write(into w: inout ByteWriter, _ ref: (RecipientSummary.Name) -> UInt64) {
        w.u8(scope.rawValue); w.varint(ref(id)); w.int(events)
    }
}
