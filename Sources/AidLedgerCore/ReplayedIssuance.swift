/// An issuance read from its bytes, followed by a replay's replaying thread from its pieces as each is read: each
/// counter and version it changes is added to by number, and its recipient's summary changed where the replay's cache
/// holds it, in the order of the steps and marks its pieces stand for (`EffectPlan.expanded`), none written out and
/// read back.
///
/// A counter the chunk has not read yet is kept (`ReplayCache.unreadSteps`) and added to from the store once the
/// pieces are followed: an issuance's steps are independent of one another's order, and only the caller holds the
/// transaction to read with.
struct ReplayedIssuance {
    /// The recipient's change, begun with their summary's slot.
    private(set) var change = ReplayedChange()
    /// The first step that took a counter below zero where none may go (a stock), if any.
    private(set) var belowZero: EffectPlan.Step?

    /// Follows the `index`th record of `plan`, an issuance at `position` whose recipient's summary `cache` holds in `slot`.
    @inline(__always)
    init(_ plan: EffectPlan, _ index: Int, slot: Int, at position: UInt64, cache: ReplayCache) throws {
        let (values, summaries, names) = (cache.values, cache.summaries, cache.summaries.names)
        let range = plan.pieces(of: index)
        var i = range.lowerBound
        let head = plan.pieces[i]
        i += 1
        change.begin(head.n0, slot: slot)
        let (campaign, day) = (names.id(head.n1), BusinessDate(day: Int32(truncatingIfNeeded: head.x)))
        summaries.count(slot, issuances: 1, grants: 0)
        while i < range.upperBound {
            let line = plan.pieces[i]
            i += 1
            let item = names.id(line.n0)
            for _ in 0..<Int(line.n1) {
                let d = plan.pieces[i]
                i += 1
                try add(.stock, d.n0, -d.x, values, cache)
                try add(.total, d.n1, d.x, values, cache)
                try add(.total, d.n2, d.y, values, cache)
                try add(.total, d.n3, d.x, values, cache)
                try add(.total, d.n4, d.y, values, cache)
                let donor = d.n5 >= 0 ? d.n5 : ~d.n5
                summaries.addGoods(slot, campaign, names.id(donor), item, units: d.x, value: d.y)
                if d.n5 >= 0 && summaries.reach(slot, .donor, names.id(donor), 1) == 1 { change.entered(.donor, donor, sign: 1, cache: cache) }
            }
            summaries.addIssued(slot, RecipientSummary.Issue(campaign: campaign, item: item, day: day, position: position, quantity: line.x))
        }
        if summaries.reach(slot, .campaign, campaign, 1) == 1 { change.entered(.campaign, head.n1, sign: 1, cache: cache) }
        try add(.total, head.n5, 1, values, cache)
        values.set(head.n2, position)
        values.set(head.n3, position)
        values.set(head.n4, position)
    }

    @inline(__always)
    private mutating func add(_ kind: EffectPlan.Step.Kind, _ index: ReplaySlots.Slot, _ delta: Int64, _ values: ReplaySlots.Values, _ cache: ReplayCache) throws {
        guard let left = try values.addIfRead(index, delta) else {
            return cache.unreadSteps.append(EffectPlan.Step(kind: kind, index: index, delta: delta))
        }
        if left < 0 && kind != .total && belowZero == nil { belowZero = EffectPlan.Step(kind: kind, index: index, delta: delta) }
    }
}
