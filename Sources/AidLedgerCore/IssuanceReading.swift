/// Reads a stored issuance (`goods_issued`, schema 1) straight into a replay's plan: the texts it names are numbered
/// from the record's bytes without being made, and the keys of the counters and versions it changes are found by
/// the numbers of its site, campaign, item and lot, each key written and numbered once per chunk, not once per event.
/// Issuances are most of any ledger's records; every other record is decoded and worked out by `Effect.visit`.
///
/// Its pieces (`EffectPlan.Piece`) expand into the steps and marks `EffectPlan.add` makes of the decoded record, in
/// the same order; the rebuild tests, which compare every replayed entry with the stored projections, and
/// `ReplayPlanTests`' comparison of the two plans hold them equal. Used by one chunk's reading thread only, so the
/// runtime's exclusivity checks on its tables are switched off.
final class IssuanceReading {
    private let symbols: ReplaySymbols.Numbering
    private let slots: ReplaySlots.Numbering

    /// What a draw on a lot changes, by site, campaign, item and lot.
    private struct Draw {
        var stock, donorUnits, donorValue, campaignUnits, campaignValue: ReplaySlots.Slot
        var donor: ReplaySymbols.Symbol
        var valuePerUnit: Int64
    }

    @exclusivity(unchecked) private var draws = PairTable<Draw>()
    /// Keys by the number of their text: a site's and a campaign's version, a campaign's issuances (a recipient's
    /// version: `ReplaySlots.Numbering.recipientVersion`).
    @exclusivity(unchecked) private var siteVersion = SlotMemo()
    @exclusivity(unchecked) private var campaignVersion = SlotMemo()
    @exclusivity(unchecked) private var campaignIssuances = SlotMemo()

    @exclusivity(unchecked) private var donors = FlatBuffer<ReplaySymbols.Symbol>(capacity: 16)
    /// The site, campaign and item the issuance before named (a chunk's reading is one chunk's: its numbers hold).
    @exclusivity(unchecked) private var lastSite = ReplaySymbols.LastName()
    @exclusivity(unchecked) private var lastCampaign = ReplaySymbols.LastName()
    @exclusivity(unchecked) private var lastItem = ReplaySymbols.LastName()

    init(symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering) {
        (self.symbols, self.slots) = (symbols, slots)
    }

    /// Adds the record stored as `stored` (where the log's map holds it) at `position` to `plan` when it is an
    /// issuance of schema 1.
    /// `ahead`: its envelope, when the reading thread read it ahead (`RecordEnvelope.ahead`).
    /// - Returns: when it recorded the issuance (microseconds since 1970), or nil for any other record (nothing added).
    func add(
        _ stored: UnsafeRawBufferPointer, ahead: RecordEnvelope.Ahead? = nil, at position: UInt64, to plan: EffectPlan, lot: (UInt64) throws -> Lot,
        attributes: (String) throws -> RecipientRegistered.Attributes?
    ) throws -> Int64? {
        guard let envelope = try RecordEnvelope.read(stored, type: .goodsIssued, schema: GoodsIssued.schemaVersion, ahead: ahead) else { return nil }
        var reader = envelope.body(stored)
        let (day, site) = (envelope.day, envelope.site)
        // The payload, as `GoodsIssued.decode` reads it for a replay, worked out as it is read (a record that cannot
        // be read ends the replay, whatever it has numbered).
        let recipient = try reader.textRange()
        let campaign = try reader.textRange()
        let s = reader.withBytes(site) { lastSite.number($0, in: symbols) }
        let c = reader.withBytes(campaign) { lastCampaign.number($0, in: symbols) }
        let who = try reader.withBytes(recipient) { try symbols.recipient(bytes: $0, load: attributes) }
        try plan.addPieces { pieces in
            // The head first, its keys filled in last: numbered after the draws', as `Effect.visit` orders them.
            let head = pieces.count
            pieces.append(EffectPlan.Piece())
            donors.removeAll()
            for _ in 0..<(try reader.count()) {
                let itemText = try reader.textRange()
                let quantity = try reader.int()
                let item = reader.withBytes(itemText) { lastItem.number($0, in: symbols) }
                let draws = try reader.count()
                var p = EffectPlan.Piece()
                (p.n0, p.n1, p.x) = (item, Int32(draws), quantity)
                pieces.append(p)
                for _ in 0..<draws {
                    let (id, amount) = (try reader.varint(), try reader.int())
                    let d = try draw(lot: id, numbers: (s, c, item), texts: (site, campaign, itemText), in: reader, lot)
                    let value = try amount.multiplied(by: d.valuePerUnit, describing: "the value issued")
                    // The donor reached once per record (`EffectPlan.reachDonor`): after that, its complement.
                    let reaches = !donors.contains(d.donor)
                    if reaches { donors.append(d.donor) }
                    p = EffectPlan.Piece()
                    (p.n0, p.n1, p.n2, p.n3, p.n4) = (d.stock, d.donorUnits, d.donorValue, d.campaignUnits, d.campaignValue)
                    (p.n5, p.x, p.y) = (reaches ? d.donor : ~d.donor, amount, value)
                    pieces.append(p)
                }
                try EntitlementDecision.skip(&reader)
            }
            if try reader.bool() { _ = try reader.skipString() }
            try envelope.checkEnd(reader)
            let r = reader
            let h = pieces.pointer(head)
            // In `Effect.visit`'s order: a key new to the chunk is numbered as it is met.
            let issuances = campaignIssuances.slot(c) { slots.slot(.total, .total(CounterName("campaign", r.text(campaign), "issuances"))) }
            let recipientVersion = r.withBytes(recipient) { slots.recipientVersion(who, id: $0) }
            let siteKey = siteVersion.slot(s) { r.withBytes(site) { slots.version(.site, bytes: $0) } }
            let campaignKey = campaignVersion.slot(c) { r.withBytes(campaign) { slots.version(.campaign, bytes: $0) } }
            (h.pointee.n2, h.pointee.n3, h.pointee.n4, h.pointee.n5) = (recipientVersion, siteKey, campaignKey, issuances)
            (h.pointee.n0, h.pointee.n1, h.pointee.x, h.pointee.y) = (who, c, Int64(day.day), Int64(bitPattern: position))
        }
        return envelope.recordedAt
    }

    /// The keys a draw on lot `id` changes, and its donor and value, numbered once per site, campaign, item and lot:
    /// by their `numbers`, their texts (where `r` holds them) read only the first time.
    private func draw(
        lot id: UInt64, numbers: (site: ReplaySymbols.Symbol, campaign: ReplaySymbols.Symbol, item: ReplaySymbols.Symbol),
        texts: (site: Range<Int>, campaign: Range<Int>, item: Range<Int>), in r: ByteReader, _ lot: (UInt64) throws -> Lot
    ) throws -> Draw {
        let (site, campaign, item) = numbers
        // Symbols are below 2^24 in any chunk (a chunk holds at most a million events); a lot beyond 2^40 is not memoized.
        let memoized = id < 1 << 40 && item < 1 << 24
        let key = (UInt64(UInt32(site)) << 32 | UInt64(UInt32(campaign)), UInt64(UInt32(item)) << 40 | id)
        if memoized, let known = draws.find(key) { return known }
        let l = try lot(id)
        let (siteID, campaignID, itemID) = (r.text(texts.site), r.text(texts.campaign), r.text(texts.item))
        let d = Draw(
            stock: slots.slot(.stock, .stock(site: siteID, item: itemID, lot: id)),
            donorUnits: slots.slot(.total, .total(CounterName("donor", l.donor, "item", itemID, "issued_units"))),
            donorValue: slots.slot(.total, .total(CounterName("donor", l.donor, "item", itemID, "issued_value"))),
            campaignUnits: slots.slot(.total, .total(CounterName("campaign", campaignID, "item", itemID, "issued_units"))),
            campaignValue: slots.slot(.total, .total(CounterName("campaign", campaignID, "item", itemID, "issued_value"))),
            donor: symbols.name(l.donor), valuePerUnit: l.valuePerUnit
        )
        if memoized {
            draws.insert(key, d)
        }
        return d
    }

}
