/// Reads a stored intake of cash (`cash_received`, schema 1) straight into a replay's plan, as `GrantReading` reads a
/// grant: the lot it creates, as the lots' entry the append path writes (`Lot(intake:)`), and the steps `Effect.visit`
/// gives it, in its order: the lot's cash, its donor's and campaign's cash received, the campaign's version. The keys
/// of a donor's and a campaign's are numbered once per chunk, by the numbers of their texts.
///
/// Decoded, an intake of cash took about 5,000 instructions on the reading thread and 4,000 on the replaying one (the
/// record projected through the append path's code), against about 1,450 and 3,000 for an issuance; a ledger that
/// pays each grant from an intake of its own has as many of them as grants. `ReplayPlanTests` compares the two
/// readings' steps and entries for every intake of a demo ledger. Used by one chunk's reading thread only.
final class CashIntakeReading {
    private let symbols: ReplaySymbols.Numbering
    private let slots: ReplaySlots.Numbering

    /// Keys by the number of their text: a donor's cash received; a campaign's cash received and version.
    @exclusivity(unchecked) private var donorReceived = SlotMemo()
    @exclusivity(unchecked) private var campaignReceived = SlotMemo()
    @exclusivity(unchecked) private var campaignVersion = SlotMemo()
    /// The lot's entry, written into memory kept from intake to intake.
    @exclusivity(unchecked) private var entry = ByteWriter(capacity: 64)

    init(symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering) {
        (self.symbols, self.slots) = (symbols, slots)
    }

    /// Adds the record stored as `stored` (where the log's map holds it), at `position`, to `plan` when it is an
    /// intake of cash of schema 1, and keeps its lot in `lots` for the grants after it.
    /// - Returns: when it recorded the intake (microseconds since 1970), or nil for any other record (nothing added).
    func add(_ stored: UnsafeRawBufferPointer, at position: UInt64, to plan: EffectPlan, keeping lots: inout [UInt64: Lot]) throws -> Int64? {
        guard let envelope = try RecordEnvelope.read(stored, type: .cashReceived, schema: CashReceived.schemaVersion) else { return nil }
        var reader = envelope.body(stored)
        // The payload, as `CashReceived.decode` reads it.
        let donor = try reader.textRange()
        let campaign = try reader.textRange()
        let amount = try reader.int()
        _ = try reader.skipString()  // the document
        try envelope.checkEnd(reader)

        let r = reader  // only read from here on
        let (donorID, campaignID) = (r.text(donor), r.text(campaign))
        let lot = Lot.cash(id: position, donor: donorID, campaign: campaignID, amount: amount, received: envelope.day)
        lots[position] = lot
        entry.removeAll()
        lot.encode(into: &entry)
        entry.withBytes { value in withUnsafeBytes(of: position.bigEndian) { key in plan.addEntry(.lots, key: key, value: value) } }
        let d = r.withBytes(donor) { symbols.name(bytes: $0) }
        let c = r.withBytes(campaign) { symbols.name(bytes: $0) }
        plan.add { steps, _ in
            func step(_ kind: EffectPlan.Step.Kind, _ slot: ReplaySlots.Slot, _ delta: Int64) {
                steps.append(EffectPlan.Step(kind: kind, index: slot, delta: delta))
            }
            // In `Effect.visit`'s order: a key new to the chunk is numbered as it is met.
            step(.cash, slots.slot(.cash, .cash(campaign: campaignID, lot: position)), amount)
            step(.total, donorReceived.slot(d) { slots.slot(.total, .total(CounterName("donor", donorID, "cash", "received"))) }, amount)
            step(.total, campaignReceived.slot(c) { slots.slot(.total, .total(CounterName("campaign", campaignID, "cash", "received"))) }, amount)
            step(.version, campaignVersion.slot(c) { r.withBytes(campaign) { slots.version(.campaign, bytes: $0) } }, 0)
        }
        return envelope.recordedAt
    }
}
