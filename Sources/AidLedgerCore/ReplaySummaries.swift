import CLMDB

/// The recipients' summaries a replay's chunk changes, each a fixed header (its counts, and where its lines are) with
/// its lines in one `SummaryArena`, their campaigns, donors and items by the chunk's numbers (`ReplayNames`). An
/// event changes its recipient's summary where it lies (`ReplayedChange`); the chunk's end encodes each in the stored
/// form `RecipientSummary` decodes, byte for byte what the append path writes (`Encoder`).
///
/// Goods and cash are kept in the order first met and summed as they come, an entry whose sums are zero kept as it
/// is: the stored form sorts them by their texts and leaves such entries out, so both happen once, at the encoding.
/// Issued lines and reach are kept as the append path keeps them (in order; a reach whose count falls to zero removed).
/// One replay on one thread changes it; at the chunk's end two threads may encode from it, changing nothing.
final class ReplaySummaries {
    typealias ID = ReplayNames.ID
    typealias Issue = RecipientSummary.Issue
    typealias Goods = RecipientSummary.Goods
    typealias Cash = RecipientSummary.Cash
    typealias Reach = RecipientSummary.Reach

    /// A run of lines in the arena.
    struct Lines<T: BitwiseCopyable>: BitwiseCopyable {
        var base: UnsafeMutablePointer<T>? = nil
        var count: Int32 = 0
        var capacity: Int32 = 0

        /// The lines, in place.
        var buffer: UnsafeMutableBufferPointer<T> { UnsafeMutableBufferPointer(start: base, count: Int(count)) }
    }

    struct Summary: BitwiseCopyable {
        var recipient: ReplaySymbols.Symbol
        var issuances: Int64 = 0
        var grants: Int64 = 0
        var history = Lines<Issue>()
        var goodsByCampaign = Lines<Goods>()
        var goodsByDonor = Lines<Goods>()
        var cashByCampaign = Lines<Cash>()
        var cashByDonor = Lines<Cash>()
        var reach = Lines<Reach>()

        init(recipient: ReplaySymbols.Symbol) { self.recipient = recipient }
    }

    /// Room a summary new to the chunk gets beyond what it holds: issued lines, goods (each way), reach.
    enum Room {
        static let history = 8, goods = 2, reach = 2
    }

    let names: ReplayNames
    @exclusivity(unchecked) private var arena = SummaryArena()
    @exclusivity(unchecked) private var summaries = FlatBuffer<Summary>(capacity: 1 << 12)
    /// The numbers of a stored summary's names, as it is read (reused from summary to summary).
    @exclusivity(unchecked) private var decoded: [ID] = []

    init(_ texts: ReplaySymbols.Texts) { names = ReplayNames(texts) }

    /// Summaries held.
    var count: Int { summaries.count }

    /// About the memory the summaries hold: their headers and every line's room handed out (lines moved when they grew
    /// leave their old room behind until the chunk ends).
    var heldBytes: Int { arena.used + summaries.count * MemoryLayout<Summary>.stride }

    @inline(__always)
    func summary(_ slot: Int) -> Summary { summaries[slot] }

    /// Adds an empty summary of the recipient numbered `recipient`, with room for its first events. - Returns: its slot.
    func add(recipient: ReplaySymbols.Symbol) -> Int {
        var s = Summary(recipient: recipient)
        reserve(&s.history, Room.history)
        reserve(&s.goodsByCampaign, Room.goods)
        reserve(&s.goodsByDonor, Room.goods)
        reserve(&s.reach, Room.reach)
        summaries.append(s)
        return summaries.count - 1
    }

    /// Adds the summary stored as `bytes` (the form `RecipientSummary` decodes) of the recipient numbered `recipient`,
    /// read straight into the arena with room for more events. - Returns: its slot.
    func add(recipient: ReplaySymbols.Symbol, decoding bytes: [UInt8]) throws -> Int {
        try ByteReader.reading(bytes) { try add(recipient: recipient, reading: &$0) }
    }

    private func add(recipient: ReplaySymbols.Symbol, reading r: inout ByteReader) throws -> Int {
        guard try r.u8() == RecipientSummary.formatVersion else { throw DecodeError.invalid("a recipient summary of an unknown format", at: 0) }
        decoded.removeAll(keepingCapacity: true)
        for _ in 0..<(try r.count()) {
            let text = try r.textRange()
            guard let id = r.withBytes(text, { names.id(bytes: $0) }) else { throw DecodeError.invalid("text that is not UTF-8", at: text.lowerBound) }
            decoded.append(id)
        }
        let known = decoded
        func id(_ r: inout ByteReader) throws -> ID { known[try RecipientSummary.nameIndex(&r, below: known.count)] }
        var s = Summary(recipient: recipient)
        (s.issuances, s.grants) = (try r.int(), try r.int())
        s.history = try lines(&r, room: Room.history) { r in try Issue(reading: &r, id) }
        s.goodsByCampaign = try lines(&r, room: Room.goods) { r in try Goods(reading: &r, id) }
        s.goodsByDonor = try lines(&r, room: Room.goods) { r in try Goods(reading: &r, id) }
        s.cashByCampaign = try lines(&r, room: 0) { r in try Cash(reading: &r, id) }
        s.cashByDonor = try lines(&r, room: 0) { r in try Cash(reading: &r, id) }
        s.reach = try lines(&r, room: Room.reach) { r in try Reach(reading: &r, id) }
        summaries.append(s)
        return summaries.count - 1
    }

    // MARK: Asked for ahead

    /// Asks the processor to bring in the summary in `slot`'s header: a few records before the one that changes it.
    @inline(__always)
    func prefetchHeader(_ slot: Int) {
        let header = UnsafeRawPointer(summaries.pointer(slot))
        clmdb_prefetch(header)
        clmdb_prefetch(header + MemoryLayout<Summary>.stride - 1)
    }

    /// Asks the processor to bring in the lines an issuance changes in the summary in `slot` (whose header it reads:
    /// asked for earlier by `prefetchHeader`): where the next issued line goes, the goods of each way and the reach.
    @inline(__always)
    func prefetchLines(_ slot: Int) {
        let s = summaries.pointer(slot)
        if let h = s.pointee.history.base { clmdb_prefetch(h + Int(s.pointee.history.count)) }
        if let g = s.pointee.goodsByCampaign.base { clmdb_prefetch(g) }
        if let g = s.pointee.goodsByDonor.base { clmdb_prefetch(g) }
        if let r = s.pointee.reach.base { clmdb_prefetch(r) }
    }

    // MARK: Changes

    /// Takes one of an event's marks after the recipient's into the summary in `slot`, `sign` times (-1: a void's).
    /// - Returns: whether it took the recipient into the reach of a donor or campaign, or out of it.
    func take(_ mark: SummaryMark, in slot: Int, sign: Int64) -> Bool {
        switch mark.kind {
        case .recipient:
            preconditionFailure("the recipient's mark begins the change")
        case .goods:
            addGoods(slot, names.id(mark.first), names.id(mark.donor), names.id(mark.item), units: mark.amount, value: mark.value)
        case .grant:
            addCash(slot, names.id(mark.first), names.id(mark.donor), amount: mark.amount)
        case .issued:
            if sign > 0 {
                addIssued(slot, Issue(campaign: names.id(mark.first), item: names.id(mark.item), day: mark.day, position: mark.position, quantity: mark.amount))
            } else {
                removeIssued(slot, at: mark.position)
            }
        case .counts:
            count(slot, issuances: mark.amount, grants: mark.value)
        case .reach:
            let events = reach(slot, mark.scope, names.id(mark.first), sign)
            return (sign > 0 && events == 1) || (sign < 0 && events == 0)
        }
        return false
    }

    func addGoods(_ slot: Int, _ campaign: ID, _ donor: ID, _ item: ID, units: Int64, value: Int64) {
        let s = summaries.pointer(slot)
        add(&s.pointee.goodsByCampaign, campaign, item, units, value)
        add(&s.pointee.goodsByDonor, donor, item, units, value)
    }

    func addCash(_ slot: Int, _ campaign: ID, _ donor: ID, amount: Int64) {
        let s = summaries.pointer(slot)
        add(&s.pointee.cashByCampaign, campaign, amount)
        add(&s.pointee.cashByDonor, donor, amount)
    }

    func addIssued(_ slot: Int, _ line: Issue) { append(&summaries.pointer(slot).pointee.history, line) }

    /// Removes the lines an event issued (its void).
    func removeIssued(_ slot: Int, at position: UInt64) {
        let s = summaries.pointer(slot)
        let lines = s.pointee.history.buffer
        var kept = 0
        for i in lines.indices where lines[i].position != position {
            lines[kept] = lines[i]
            kept += 1
        }
        s.pointee.history.count = Int32(kept)
    }

    func count(_ slot: Int, issuances: Int64, grants: Int64) {
        let s = summaries.pointer(slot)
        s.pointee.issuances += issuances
        s.pointee.grants += grants
    }

    /// Adds `sign` to the events that reached the recipient through `id`. - Returns: the new count.
    func reach(_ slot: Int, _ scope: RecipientSummary.Scope, _ id: ID, _ sign: Int64) -> Int64 {
        let s = summaries.pointer(slot)
        let reach = s.pointee.reach.buffer
        for i in reach.indices where reach[i].id == id && reach[i].scope == scope {
            reach[i].events += sign
            let events = reach[i].events
            if events == 0 {
                // In order: the stored form keeps the order the donors and campaigns first reached the recipient.
                for j in i..<reach.count - 1 { reach[j] = reach[j + 1] }
                s.pointee.reach.count -= 1
            }
            return events
        }
        append(&s.pointee.reach, Reach(scope: scope, id: id, events: sign))
        return sign
    }

    /// Forgets every summary and number, keeping memory for the next chunk.
    func removeAll() {
        summaries.removeAll()
        arena.removeAll()
        names.forget()
    }

    // MARK: Lines

    /// A run of stored lines as `ByteWriter.array` wrote them, with room for `room` more.
    @inline(__always)
    private func lines<T>(_ r: inout ByteReader, room: Int, _ read: (inout ByteReader) throws -> T) throws -> Lines<T> {
        let n = try r.count()
        var lines = Lines<T>()
        reserve(&lines, n + room)
        for _ in 0..<n { append(&lines, try read(&r)) }
        return lines
    }

    private func add(_ goods: inout Lines<Goods>, _ id: ID, _ item: ID, _ units: Int64, _ value: Int64) {
        let b = goods.buffer
        for i in b.indices where b[i].id == id && b[i].item == item {
            b[i].units += units
            b[i].value += value
            return
        }
        append(&goods, Goods(id: id, item: item, units: units, value: value))
    }

    private func add(_ cash: inout Lines<Cash>, _ id: ID, _ amount: Int64) {
        let b = cash.buffer
        for i in b.indices where b[i].id == id {
            b[i].amount += amount
            return
        }
        append(&cash, Cash(id: id, amount: amount))
    }

    @inline(__always)
    private func append<T>(_ lines: inout Lines<T>, _ line: T) {
        if lines.count == lines.capacity { reserve(&lines, max(Int(lines.count) * 2, 2)) }
        (lines.base! + Int(lines.count)).initialize(to: line)
        lines.count += 1
    }

    /// Gives `lines` room for `capacity` lines: where they lie when the arena allows, otherwise moved.
    private func reserve<T>(_ lines: inout Lines<T>, _ capacity: Int) {
        guard capacity > Int(lines.capacity) else { return }
        let stride = MemoryLayout<T>.stride
        if let base = lines.base, arena.extend(UnsafeMutableRawPointer(base), from: Int(lines.capacity) * stride, to: capacity * stride) {
            lines.capacity = Int32(capacity)
            return
        }
        let moved = arena.allocate(capacity * stride).bindMemory(to: T.self, capacity: capacity)
        if let base = lines.base { moved.initialize(from: base, count: Int(lines.count)) }
        (lines.base, lines.capacity) = (moved, Int32(capacity))
    }
}
