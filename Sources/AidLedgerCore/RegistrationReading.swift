import LMDBStore

/// Reads a stored registration of a recipient (`recipient_registered`, the current schema) straight into a replay's
/// plan: its id, numbered, its version's step, and the registry entry it adds, as bytes the replaying thread writes
/// (`ReplayCache.putLater`) without decoding anything. The replaying thread reads the rest from that entry (`entry`):
/// the documents index's entries it makes, and the recipient's attributes for the reach counts, which it hands back to
/// the reading side for the chunks after (`ReplaySymbols.Texts.registered`). The reading thread is alone busy while a
/// ledger's registrations are read, the replaying one half idle: the payload is copied once, and read by the thread
/// that waits. The registry entry is the payload as stored, behind its schema: the append path writes the same
/// payload's encoding (`LedgerStore.registryEntry`). A registration of an older schema is decoded as any other record.
///
/// Decoded, a registration took about a tenth of a replay's instructions at 20,000 households (a record of ten
/// texts, arrays and sealed data made, then encoded again for the registry); read here, about 2,400 instructions on
/// the reading thread (3,300 with its attributes, before the replaying thread read them). `ReplayPlanTests` holds the
/// two readings to the same steps, entries and attributes. Used by one chunk's reading thread only.
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
        let recipient = try reader.textRange()
        // The payload ends the record's body; what it holds after the id is read from the registry's entry (`entry`).
        let payload = envelope.payloadStart..<envelope.payloadStart + envelope.payloadLength
        guard payload.upperBound == envelope.bodyEnd else { throw DecodeError.invalid("a payload of the wrong length", at: payload.upperBound) }

        let r = reader
        let who = r.withBytes(recipient) { symbols.registered(bytes: $0) }
        // The registry's entry as `LedgerStore.registryEntry` makes it.
        r.withBytes(recipient) { id in
            r.withBytes(payload) { plan.addRegistration(letter: LedgerStore.Kind.recipient.letter, id: id, schema: schema, payload: $0, recipient: who) }
        }
        let version = r.withBytes(recipient) { slots.recipientVersion(who, id: $0) }
        plan.add { steps, _ in steps.append(EffectPlan.Step(kind: .version, index: version, delta: 0)) }
        return envelope.recordedAt
    }

    /// What a registration says of the recipient for the reach counts, besides the id.
    struct Profile: Equatable {
        var kind: RecipientKind
        var householdSize: Int64
        var category: RecipientCategory
        var area: Area
    }

    /// Reads the registry entry of a registration (its value: the schema, then the payload) as `RecipientRegistered`
    /// decodes it, and hands `documents` the documents index's key of each of its documents: its hash's first 16
    /// bytes (`LedgerStore.documentKey`). - Returns: what it says of the recipient for the reach counts.
    static func entry(_ value: UnsafeRawBufferPointer, documents: (UnsafeRawBufferPointer) throws -> Void) throws -> Profile {
        var r = ByteReader(value, offset: 1, end: value.count)
        _ = try r.skipString()  // the id
        let profile = Profile(kind: try .decode(&r), householdSize: try r.int(), category: try .decode(&r), area: try .decode(&r))
        _ = try r.skipString()  // the settlement
        for _ in 0..<(try r.count()) {
            _ = try r.skipString()  // the document's type
            let hash = r.offset
            try r.skip(32)
            try r.withBytes(hash..<hash + 16) { try documents($0) }
        }
        if try r.bool() { try r.skip(try r.count()) }  // the sealed personal data
        guard r.isAtEnd else { throw DecodeError.invalid("a payload of the wrong length", at: r.offset) }
        return profile
    }
}
