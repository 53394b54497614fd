import LMDBStore

/// Reads a stored registration of a recipient (`recipient_registered`, the current schema) straight into a replay's
/// plan: the recipient's attributes for the reach counts, its version's step, and the registry's entry it adds, as
/// bytes the replaying thread writes (`ReplayCache.putLater`) without decoding anything, with the documents index's
/// entries it makes from them (`documents(ofEntry:)`: the replaying thread waits while a ledger's registrations are
/// read, and the payload is copied once). The registry entry is the payload as stored, behind its schema: the append
/// path writes the same payload's encoding (`LedgerStore.registryEntry`). A registration of an older schema is decoded
/// as any other record.
///
/// Decoded, a registration took about a tenth of a replay's instructions at 20,000 households (a record of ten
/// texts, arrays and sealed data made, then encoded again for the registry). `ReplayPlanTests` holds the two readings
/// to the same steps and entries. Used by one chunk's reading thread only.
final class RegistrationReading {
    private let symbols: ReplaySymbols.Numbering
    private let slots: ReplaySlots.Numbering

    init(symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering) {
        (self.symbols, self.slots) = (symbols, slots)
    }

    /// Adds the record stored as `stored` (where the log's map holds it) to `plan` when it registers a recipient
    /// under the current schema.
    /// `ahead`: its envelope, when the reading thread read it ahead (`RecordEnvelope.ahead`).
    /// - Returns: when it recorded the registration (microseconds since 1970), or nil for any other record (nothing added).
    func add(_ stored: UnsafeRawBufferPointer, ahead: RecordEnvelope.Ahead? = nil, to plan: EffectPlan) throws -> Int64? {
        let schema = RecipientRegistered.schemaVersion
        guard let envelope = try RecordEnvelope.read(stored, type: .recipientRegistered, schema: schema, ahead: ahead) else { return nil }
        var reader = envelope.body(stored)
        var head = reader  // the id's bytes, where the attributes read it again as text
        let recipient = try head.textRange()
        let attributes = try RecipientRegistered.Attributes(reading: &reader)
        try RegistrationReading.skipRest(&reader)
        try envelope.checkEnd(reader)

        let who = symbols.registered(attributes)
        let r = reader
        // The registry's entry as `LedgerStore.registryEntry` makes it; the replaying thread makes the documents
        // index's from it (`EffectPlan.forEachEntry`).
        r.withBytes(recipient) { id in
            r.withBytes(envelope.payloadStart..<envelope.payloadStart + envelope.payloadLength) { payload in
                plan.addRegistration(letter: LedgerStore.Kind.recipient.letter, id: id, schema: schema, payload: payload)
            }
        }
        let version = r.withBytes(recipient) { slots.recipientVersion(who, id: $0) }
        plan.add { steps, _ in steps.append(EffectPlan.Step(kind: .version, index: version, delta: 0)) }
        return envelope.recordedAt
    }

    /// Reads past what follows a registration's attributes in its payload: the settlement, the documents, the sealed
    /// personal data.
    private static func skipRest(_ r: inout ByteReader) throws {
        _ = try r.skipString()  // the settlement
        for _ in 0..<(try r.count()) {
            _ = try r.skipString()  // the document's type
            try r.skip(32)
        }
        if try r.bool() { try r.skip(try r.count()) }  // the sealed personal data
    }

    /// Hands `body` the documents index's key of each document of the registration whose registry entry's value
    /// (the schema, then the payload) is `value`: its hash's first 16 bytes (`LedgerStore.documentKey`).
    static func documents(ofEntry value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var r = ByteReader(value, offset: 1, end: value.count)
        _ = try r.skipString()  // the id
        _ = try r.skipString()  // the kind
        _ = try r.int()  // the household's size
        _ = try r.skipString()  // the category
        _ = try r.skipString()  // the area
        _ = try r.skipString()  // the settlement
        for _ in 0..<(try r.count()) {
            _ = try r.skipString()  // the document's type
            let hash = r.offset
            try r.skip(32)
            try r.withBytes(hash..<hash + 16) { try body($0) }
        }
    }
}
