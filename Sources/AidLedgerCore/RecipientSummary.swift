/// Everything the projections keep about one recipient, in one LMDB entry: what their card shows and what
/// the entitlement checks read. One read serves the card; one write per event keeps it current.
///
/// Ids are written once each in a small table at the front of the entry and referred to by index, so the
/// entry stays a few hundred bytes for a year of monthly kits.
struct RecipientSummary {
    /// One issued line: the entitlement checks read these.
    struct Issue: Equatable {
        var campaign: String
        var item: String
        var day: BusinessDate
        var position: UInt64
        var quantity: Int64
    }

    /// Units and value of one item from one campaign or donor.
    typealias Goods = RecipientBalance.Share

    /// Whether a reach count is per donor or per campaign.
    enum Scope: UInt8 { case donor = 1, campaign = 2 }

    /// Events that reached the recipient through one donor or campaign.
    struct Reach: Equatable {
        var scope: Scope
        var id: String
        var events: Int64
    }

    var issuances: Int64 = 0
    var grants: Int64 = 0
    /// Issued lines in position order.
    var history: [Issue] = []
    /// Sorted by id, then item.
    var goodsByCampaign: [Goods] = []
    var goodsByDonor: [Goods] = []
    /// Sorted by id.
    var cashByCampaign: [(id: String, amount: Int64)] = []
    var cashByDonor: [(id: String, amount: Int64)] = []
    var reach: [Reach] = []

    var isEmpty: Bool {
        issuances == 0 && grants == 0 && history.isEmpty && goodsByCampaign.isEmpty && goodsByDonor.isEmpty
            && cashByCampaign.isEmpty && cashByDonor.isEmpty && reach.isEmpty
    }

    /// Cash received in all.
    var cash: Int64 { cashByCampaign.reduce(0) { $0 + $1.amount } }

    /// Units and value by item (every issuance is under one campaign, so these are the campaigns' sums).
    var items: [(item: String, units: Int64, value: Int64)] {
        // A handful of items: a sorted array beats a dictionary.
        var out: [(item: String, units: Int64, value: Int64)] = []
        for g in goodsByCampaign {
            if let i = out.firstIndex(where: { $0.item == g.item }) {
                out[i].units += g.units
                out[i].value += g.value
            } else {
                out.append((g.item, g.units, g.value))
            }
        }
        return out.sorted { $0.item < $1.item }
    }

    /// The campaigns the recipient received goods from, sorted.
    var campaigns: [String] {
        var out: [String] = []
        for h in history where !out.contains(h.campaign) { out.append(h.campaign) }
        return out.sorted()
    }

    // MARK: Changes

    static func add(_ goods: inout [Goods], _ id: String, _ item: String, _ units: Int64, _ value: Int64) {
        let i = goods.firstIndex { ($0.id, $0.item) >= (id, item) } ?? goods.endIndex
        if i < goods.endIndex, goods[i].id == id, goods[i].item == item {
            goods[i].units += units
            goods[i].value += value
            if goods[i].units == 0 && goods[i].value == 0 { goods.remove(at: i) }
        } else if units != 0 || value != 0 {
            goods.insert(Goods(id: id, item: item, units: units, value: value), at: i)
        }
    }

    static func add(_ cash: inout [(id: String, amount: Int64)], _ id: String, _ amount: Int64) {
        let i = cash.firstIndex { $0.id >= id } ?? cash.endIndex
        if i < cash.endIndex, cash[i].id == id {
            cash[i].amount += amount
            if cash[i].amount == 0 { cash.remove(at: i) }
        } else if amount != 0 {
            cash.insert((id, amount), at: i)
        }
    }

    /// Adds `sign` to the events that reached the recipient through `id`. - Returns: the new count.
    mutating func reach(_ scope: Scope, _ id: String, _ sign: Int64) -> Int64 {
        if let i = reach.firstIndex(where: { $0.scope == scope && $0.id == id }) {
            reach[i].events += sign
            let n = reach[i].events
            if n == 0 { reach.remove(at: i) }
            return n
        }
        reach.append(Reach(scope: scope, id: id, events: sign))
        return sign
    }

    /// Days and units issued under `campaign` of `item`, for an entitlement check.
    func history(campaign: String, item: String) -> [(day: BusinessDate, quantity: Int64)] {
        history.filter { $0.campaign == campaign && $0.item == item }.map { ($0.day, $0.quantity) }
    }

    // MARK: Encoding

    static let formatVersion: UInt8 = 1

    func encoded() -> [UInt8] {
        // The names first (a recipient's handful of campaigns, donors and items: a linear search beats hashing).
        var names: [String] = []
        func ref(_ s: String) -> UInt64 {
            if let i = names.firstIndex(of: s) { return UInt64(i) }
            names.append(s)
            return UInt64(names.count - 1)
        }
        for h in history { _ = ref(h.campaign); _ = ref(h.item) }
        for g in goodsByCampaign { _ = ref(g.id); _ = ref(g.item) }
        for g in goodsByDonor { _ = ref(g.id); _ = ref(g.item) }
        for c in cashByCampaign { _ = ref(c.id) }
        for c in cashByDonor { _ = ref(c.id) }
        for r in reach { _ = ref(r.id) }
        var w = ByteWriter(capacity: 48 + history.count * 12 + names.reduce(0) { $0 + $1.utf8.count + 1 })
        w.u8(RecipientSummary.formatVersion)
        w.array(names) { $0.string($1) }
        w.int(issuances)
        w.int(grants)
        w.array(history) { w, h in
            w.varint(ref(h.campaign)); w.varint(ref(h.item)); w.date(h.day); w.varint(h.position); w.int(h.quantity)
        }
        for goods in [goodsByCampaign, goodsByDonor] {
            w.array(goods) { w, g in w.varint(ref(g.id)); w.varint(ref(g.item)); w.int(g.units); w.int(g.value) }
        }
        for cash in [cashByCampaign, cashByDonor] {
            w.array(cash) { w, c in w.varint(ref(c.id)); w.int(c.amount) }
        }
        w.array(reach) { w, r in w.u8(r.scope.rawValue); w.varint(ref(r.id)); w.int(r.events) }
        return w.bytes
    }

    init() {}

    init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        guard try r.u8() == RecipientSummary.formatVersion else { throw DecodeError.invalid("a recipient summary of an unknown format", at: 0) }
        let names = try r.array { try $0.string() }
        func name(_ r: inout ByteReader) throws -> String {
            let i = try r.varint()
            guard i < names.count else { throw DecodeError.invalid("a name index beyond the summary's names", at: r.offset) }
            return names[Int(i)]
        }
        issuances = try r.int()
        grants = try r.int()
        history = try r.array { r in
            Issue(campaign: try name(&r), item: try name(&r), day: try r.date(), position: try r.varint(), quantity: try r.int())
        }
        let goods = { (r: inout ByteReader) throws -> Goods in Goods(id: try name(&r), item: try name(&r), units: try r.int(), value: try r.int()) }
        goodsByCampaign = try r.array(goods)
        goodsByDonor = try r.array(goods)
        let cash = { (r: inout ByteReader) throws -> (id: String, amount: Int64) in (try name(&r), try r.int()) }
        cashByCampaign = try r.array(cash)
        cashByDonor = try r.array(cash)
        reach = try r.array { r in
            guard let scope = Scope(rawValue: try r.u8()) else { throw DecodeError.invalid("an unknown reach scope", at: r.offset) }
            return Reach(scope: scope, id: try name(&r), events: try r.int())
        }
    }
}
