/// Reads a stored cash grant (`cash_granted`, schema 1) straight into a replay's plan, as `IssuanceReading` reads an
/// issuance: its texts are numbered from the record's bytes without being made, and the keys a draw on a cash lot
/// changes are found by the numbers of its campaign and lot, written and numbered once per chunk. Grants were the
/// most common record a replay still decoded whole, at about twice an issuance's instructions.
///
/// The steps and marks are those `EffectPlan.add` makes of the decoded record, in the same order; `ReplayPlanTests`
/// compares the two plans for every grant of a demo ledger. Used by one chunk's reading thread only.
final class GrantReading {
    private let symbols: ReplaySymbols.Numbering
    private let slots: ReplaySlots.Numbering

    /// What a draw on a cash lot changes, by campaign and lot: the lot's cash, its donor's cash granted.
    private struct Draw {
        var cash, donorGranted: ReplaySlots.Slot
        var donor: ReplaySymbols.Symbol
    }

    @exclusivity(unchecked) private var draws = PairTable<Draw>()
    /// Keys by the number of their text: a campaign's version, its cash granted and grants (a recipient's version:
    /// `ReplaySlots.Numbering.recipientVersion`).
    @exclusivity(unchecked) private var campaignVersion = SlotMemo()
    @exclusivity(unchecked) private var campaignCash = SlotMemo()
    @exclusivity(unchecked) private var campaignGrants = SlotMemo()
    /// The record's draws and the donors reached so far (reused from record to record).
    @exclusivity(unchecked) private var lots = FlatBuffer<(lot: UInt64, amount: Int64)>(capacity: 8)
    @exclusivity(unchecked) private var donors = FlatBuffer<ReplaySymbols.Symbol>(capacity: 8)

    init(symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering) {
        (self.symbols, self.slots) = (symbols, slots)
    }

    /// Adds the record stored as `stored` (where the log's map holds it) to `plan` when it is a cash grant of schema 1.
    /// `ahead`: its envelope, when the reading thread read it ahead (`RecordEnvelope.ahead`).
    /// - Returns: when it recorded the grant (microseconds since 1970), or nil for any other record (nothing added).
    func add(
        _ stored: UnsafeRawBufferPointer, ahead: RecordEnvelope.Ahead? = nil, to plan: EffectPlan, lot: (UInt64) throws -> Lot, attributes: (String) throws -> RecipientRegistered.Attributes?
    ) throws -> Int64? {
        guard let envelope = try RecordEnvelope.read(stored, type: .cashGranted, schema: CashGranted.schemaVersion, ahead: ahead) else { return nil }
        var reader = envelope.body(stored)
        // The payload, as `CashGranted.decode` reads it.
        let recipient = try reader.textRange()
        let campaign = try reader.textRange()
        let amount = try reader.int()
        _ = try reader.skipString()  // the channel
        _ = try reader.skipString()  // the payment's reference
        lots.removeAll()
        for _ in 0..<(try reader.count()) { lots.append((try reader.varint(), try reader.int())) }
        try envelope.checkEnd(reader)

        let r = reader  // only read from here on
        let who = try r.withBytes(recipient) { try symbols.recipient(bytes: $0, load: attributes) }
        let c = r.withBytes(campaign) { symbols.name(bytes: $0) }
        try plan.add { steps, marks in
            func step(_ kind: EffectPlan.Step.Kind, _ slot: ReplaySlots.Slot, _ delta: Int64) {
                steps.append(EffectPlan.Step(kind: kind, index: slot, delta: delta))
            }
            EffectPlan.begin(who, issuances: 0, grants: 1, &marks)
            donors.removeAll()
            for k in 0..<lots.count {
                let (id, drawn) = lots[k]
                let d = try draw(lot: id, campaign: c, text: campaign, in: r, lot)
                step(.cash, d.cash, -drawn)
                step(.total, d.donorGranted, drawn)
                var m = SummaryMark(.grant)
                (m.first, m.donor, m.amount) = (c, d.donor, drawn)
                marks.append(m)
                EffectPlan.reachDonor(d.donor, draws: lots.count, reached: &donors, &marks)
            }
            EffectPlan.reach(.campaign, c, &marks)
            // In `Effect.visit`'s order: a key new to the chunk is numbered as it is met.
            step(.total, campaignCash.slot(c) { slots.slot(.total, .total(CounterName("campaign", r.text(campaign), "cash", "granted"))) }, amount)
            step(.total, campaignGrants.slot(c) { slots.slot(.total, .total(CounterName("campaign", r.text(campaign), "grants"))) }, 1)
            step(.version, r.withBytes(recipient) { slots.recipientVersion(who, id: $0) }, 0)
            step(.version, campaignVersion.slot(c) { r.withBytes(campaign) { slots.version(.campaign, bytes: $0) } }, 0)
        }
        return envelope.recordedAt
    }

    /// The keys a draw on cash lot `id` under the campaign numbered `campaign` changes, and its donor, numbered once
    /// per campaign and lot: the campaign's text (where `r` holds it) read only the first time.
    private func draw(lot id: UInt64, campaign: ReplaySymbols.Symbol, text: Range<Int>, in r: ByteReader, _ lot: (UInt64) throws -> Lot) throws -> Draw {
        let key = (UInt64(UInt32(bitPattern: campaign)), id)
        if let known = draws.find(key) { return known }
        let l = try lot(id)
        let d = Draw(
            cash: slots.slot(.cash, .cash(campaign: r.text(text), lot: id)),
            donorGranted: slots.slot(.total, .total(CounterName("donor", l.donor, "cash", "granted"))),
            donor: symbols.name(l.donor)
        )
        draws.insert(key, d)
        return d
    }
}
