/// Writes a replay's summaries (`ReplaySummaries`) in the stored form of a recipient's summary, the bytes
/// `RecipientSummary.encode` writes for the same summary on the append path: the names in the order the fields first
/// use them, goods and cash sorted by their texts with the entries whose sums are zero left out. Each thread that
/// encodes has its own (it keeps its working memory from summary to summary; an object, so that a closure that
/// encodes with it does not copy it).
final class SummaryEncoder {
    typealias ID = ReplayNames.ID
    /// Each name as a summary stores it (its length, then its bytes), one after the other, and where each ends:
    /// written once for the whole flush, copied into each summary that uses it.
    private let stored: [UInt8]
    private let ends: [Int]
    private let ranks: [Int32]
    /// Each name's number in the summary being written (-1: not used yet), and the names in that order.
    @exclusivity(unchecked) private var numbering: FlatBuffer<Int32>
    @exclusivity(unchecked) private var order = FlatBuffer<ID>(capacity: 64)
    /// A summary's goods and cash, sorted (kept from summary to summary: arrays asked the runtime whether they were
    /// shared at every line).
    @exclusivity(unchecked) private var goodsByCampaign = FlatBuffer<RecipientSummary.Goods>(capacity: 16)
    @exclusivity(unchecked) private var goodsByDonor = FlatBuffer<RecipientSummary.Goods>(capacity: 16)
    @exclusivity(unchecked) private var cashByCampaign = FlatBuffer<RecipientSummary.Cash>(capacity: 16)
    @exclusivity(unchecked) private var cashByDonor = FlatBuffer<RecipientSummary.Cash>(capacity: 16)

    /// An encoder of summaries whose names are `names`' (ranked: `ReplayNames.rank`).
    init(_ names: ReplayNames) {
        ranks = names.ranks
        precondition(ranks.count == names.strings.count, "the names are ranked before the summaries are encoded")
        var numbering = FlatBuffer<Int32>(capacity: names.strings.count)
        for _ in names.strings { numbering.append(-1) }
        self.numbering = numbering
        var w = ByteWriter(capacity: 16 * names.strings.count)
        var ends: [Int] = []
        for name in names.strings {
            w.string(name)
            ends.append(w.count)
        }
        (stored, self.ends) = (w.bytes, ends)
    }

    /// Appends the stored form of `s` to `w`. - Returns: false, and nothing written, for a summary that holds nothing
    /// (it has no entry).
    func encode(_ s: ReplaySummaries.Summary, into w: inout ByteWriter) -> Bool {
        sorted(s.goodsByCampaign, into: &goodsByCampaign)
        sorted(s.goodsByDonor, into: &goodsByDonor)
        sorted(s.cashByCampaign, into: &cashByCampaign)
        sorted(s.cashByDonor, into: &cashByDonor)
        guard s.issuances != 0 || s.grants != 0 || s.history.count > 0 || goodsByCampaign.count > 0 || goodsByDonor.count > 0
            || cashByCampaign.count > 0 || cashByDonor.count > 0 || s.reach.count > 0
        else { return false }
        let history = s.history.buffer, reach = s.reach.buffer
        for h in history { use(h.campaign); use(h.item) }
        for i in 0..<goodsByCampaign.count { use(goodsByCampaign[i].id); use(goodsByCampaign[i].item) }
        for i in 0..<goodsByDonor.count { use(goodsByDonor[i].id); use(goodsByDonor[i].item) }
        for i in 0..<cashByCampaign.count { use(cashByCampaign[i].id) }
        for i in 0..<cashByDonor.count { use(cashByDonor[i].id) }
        for r in reach { use(r.id) }
        w.u8(RecipientSummary.formatVersion)
        w.varint(UInt64(order.count))
        stored.withUnsafeBufferPointer { stored in
            for o in 0..<order.count {
                let i = Int(order[o])
                w.raw(UnsafeBufferPointer(rebasing: stored[(i == 0 ? 0 : ends[i - 1])..<ends[i]]))
            }
        }
        w.int(s.issuances)
        w.int(s.grants)
        w.varint(UInt64(history.count))
        for h in history { h.write(into: &w, ref) }
        write(goodsByCampaign, into: &w)
        write(goodsByDonor, into: &w)
        write(cashByCampaign, into: &w)
        write(cashByDonor, into: &w)
        w.varint(UInt64(reach.count))
        for r in reach { r.write(into: &w, ref) }
        for o in 0..<order.count { numbering.pointer(Int(order[o])).pointee = -1 }
        order.removeAll()
        return true
    }

    private func write(_ goods: borrowing FlatBuffer<RecipientSummary.Goods>, into w: inout ByteWriter) {
        w.varint(UInt64(goods.count))
        for i in 0..<goods.count { goods[i].write(into: &w, ref) }
    }

    private func write(_ cash: borrowing FlatBuffer<RecipientSummary.Cash>, into w: inout ByteWriter) {
        w.varint(UInt64(cash.count))
        for i in 0..<cash.count { cash[i].write(into: &w, ref) }
    }

    @inline(__always)
    private func ref(_ id: ID) -> UInt64 { UInt64(numbering[Int(id)]) }

    /// Numbers `id` next unless it has its number already.
    @inline(__always)
    private func use(_ id: ID) {
        let n = numbering.pointer(Int(id))
        if n.pointee < 0 {
            n.pointee = Int32(order.count)
            order.append(id)
        }
    }

    /// The goods whose sums are not both zero, sorted by the texts of their donor or campaign, then item.
    private func sorted(_ lines: ReplaySummaries.Lines<RecipientSummary.Goods>, into out: inout FlatBuffer<RecipientSummary.Goods>) {
        out.removeAll()
        ranks.withUnsafeBufferPointer { ranks in
            for g in lines.buffer where g.units != 0 || g.value != 0 {
                SummaryEncoder.insert(g, into: &out) { Int64(ranks[Int($0.id)]) << 32 | Int64(ranks[Int($0.item)]) }
            }
        }
    }

    /// The cash whose sum is not zero, sorted by the text of its donor or campaign.
    private func sorted(_ lines: ReplaySummaries.Lines<RecipientSummary.Cash>, into out: inout FlatBuffer<RecipientSummary.Cash>) {
        out.removeAll()
        ranks.withUnsafeBufferPointer { ranks in
            for c in lines.buffer where c.amount != 0 { SummaryEncoder.insert(c, into: &out) { Int64(ranks[Int($0.id)]) } }
        }
    }

    /// Inserts `line` into `out`, which is in the order of `key` (ranks, never negative), after those of the same key:
    /// the lines after it moved up one place; a summary holds a few lines of each kind.
    @inline(__always)
    private static func insert<Line: BitwiseCopyable>(_ line: Line, into out: inout FlatBuffer<Line>, by key: (Line) -> Int64) {
        let k = key(line)
        var at = out.count
        out.append(line)
        while at > 0, k < key(out[at - 1]) {
            out.pointer(at).pointee = out[at - 1]
            at -= 1
        }
        out.pointer(at).pointee = line
    }
}
