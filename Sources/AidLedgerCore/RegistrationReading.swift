import LMDBStore

/// Reads a stored registration of a recipient (`recipient_registered`, the current schema) straight into a replay's
/// plan: the recipient's attributes for the reach counts, its version's step, and the registry's and documents
/// index's entries it adds, as bytes the replaying thread writes (`ReplayCache.putLater`) without decoding anything.
/// The registry entry is the payload as stored, behind its schema: the append path writes the same payload's
/// encoding (`LedgerStore.registryEntry`). A registration of an older schema is decoded as any other record.
///
/// Decoded, a registration took about a tenth of a replay's instructions at 20,000 households (a record of ten
/// texts, arrays and sealed data made, then encoded again for the registry). `ReplayPlanTests` holds the two readings
/// to the same steps and entries. Used by one chunk's reading thread only.
final class RegistrationReading {
    private let symbols: ReplaySymbols.Numbering
    private let slots: ReplaySlots.Numbering

    /// Where the record's documents' hashes start (reused from record to record).
    @exclusivity(unchecked) private var documents = FlatBuffer<Int>(capacity: 8)
    /// The registry's key (the kind's letter, then the id's bytes) and entry (the schema, then the payload), in memory
    /// reused from record to record.
    @exclusivity(unchecked) private var key = FlatBuffer<UInt8>(capacity: 64)
    @exclusivity(unchecked) private var value = FlatBuffer<UInt8>(capacity: 256)

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
        _ = try reader.skipString()  // the settlement
        documents.removeAll()
        for _ in 0..<(try reader.count()) {
            _ = try reader.skipString()  // the document's type
            let hash = reader.offset
            try reader.skip(32)
            documents.append(hash)
        }
        if try reader.bool() { try reader.skip(try reader.count()) }  // the sealed personal data
        try envelope.checkEnd(reader)

        let who = symbols.registered(attributes)
        let r = reader
        r.withBytes(recipient) { id in
            // The registry's key as `LedgerStore.Kind.key` makes it.
            key.removeAll()
            key.append(LedgerStore.Kind.recipient.letter)
            key.append(contentsOf: id.assumingMemoryBound(to: UInt8.self))
            value.removeAll()
            value.append(schema)
            r.withBytes(envelope.payloadStart..<envelope.payloadStart + envelope.payloadLength) { value.append(contentsOf: $0.assumingMemoryBound(to: UInt8.self)) }
            key.withUnsafeBufferPointer { k in
                value.withUnsafeBufferPointer { v in plan.addEntry(.registry, key: UnsafeRawBufferPointer(k), value: UnsafeRawBufferPointer(v)) }
            }
            // The index's key: the hash's first 16 bytes (`LedgerStore.documentKey`).
            for d in 0..<documents.count { r.withBytes(documents[d]..<documents[d] + 16) { hash in plan.addEntry(.documents, key: hash, value: id) } }
        }
        let version = r.withBytes(recipient) { slots.recipientVersion(who, id: $0) }
        plan.add { steps, _ in steps.append(EffectPlan.Step(kind: .version, index: version, delta: 0)) }
        return envelope.recordedAt
    }
}
