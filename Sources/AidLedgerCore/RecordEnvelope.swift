/// The envelope of a stored record, read as `EventRecord.decode` reads it, up to its payload: what a replay's
/// reading of a record straight from its bytes (`IssuanceReading`, `GrantReading`) needs of it.
struct RecordEnvelope {
    /// When the record was appended (microseconds since 1970), and its business day.
    var recordedAt: Int64
    var day: BusinessDate
    /// Where the site's id is.
    var site: Range<Int>
    /// The payload's length, and where it starts.
    var payloadLength: Int
    var payloadStart: Int
    /// Where the record's body ends (its hash follows).
    var bodyEnd: Int

    /// A reader of the record's body, stored as `stored`, at its payload. (Made apart from the envelope, which holds no
    /// reference: an optional holding the reader was let go of through the runtime's generic witnesses, about 250
    /// instructions for every record asked whether it is of a kind.)
    func body(_ stored: UnsafeRawBufferPointer) -> ByteReader { ByteReader(stored, offset: payloadStart, end: bodyEnd) }

    /// The envelope of the record stored as `stored` (where the log's map holds it, during a replay) when it is of
    /// `type` and `schema`; nil for any other record.
    static func read(_ stored: UnsafeRawBufferPointer, type: EventType, schema: UInt8) throws -> RecordEnvelope? {
        let count = stored.count
        // The format, type and schema looked at in place first: a replay asks of most records whether they are of a
        // kind they are not, and a reader made and let go for each answer cost more than the answer.
        guard count > max(EventRecord.hashSize, 4), stored[0] == EventRecord.format, stored[1] == UInt8(type.rawValue >> 8),
            stored[2] == UInt8(type.rawValue & 0xff), stored[3] == schema
        else { return nil }
        var reader = ByteReader(stored, offset: 4, end: count - EventRecord.hashSize)
        try reader.skip(16)
        _ = try reader.skipString()
        let recordedAt = Int64(bitPattern: try reader.u64())
        let day = try reader.date()
        _ = try reader.skipString()
        let site = try reader.textRange()
        let length = try reader.count()
        return RecordEnvelope(recordedAt: recordedAt, day: day, site: site, payloadLength: length, payloadStart: reader.offset, bodyEnd: count - EventRecord.hashSize)
    }

    /// A record's envelope read a few records ahead of its reading, by a replay's reading thread (`LogPrefetch`):
    /// an issuance's, a grant's or a registration's of the current schema, and where its recipient's id is (the
    /// payload's first text), so that the recipient's number is in the core's cache by the time the record is read.
    struct Ahead {
        var type: EventType
        var envelope: RecordEnvelope
        var recipient: Range<Int>
    }

    /// The envelope of the record stored as `stored`, read ahead; nil for a record of another kind or schema, or one
    /// that cannot be read (its reading finds what is wrong with it).
    static func ahead(_ stored: UnsafeRawBufferPointer) -> Ahead? {
        guard stored.count > 4 else { return nil }
        let (type, schema): (EventType, UInt8)
        switch UInt16(stored[1]) << 8 | UInt16(stored[2]) {
        case EventType.goodsIssued.rawValue: (type, schema) = (.goodsIssued, GoodsIssued.schemaVersion)
        case EventType.cashGranted.rawValue: (type, schema) = (.cashGranted, CashGranted.schemaVersion)
        case EventType.recipientRegistered.rawValue: (type, schema) = (.recipientRegistered, RecipientRegistered.schemaVersion)
        default: return nil
        }
        guard let envelope = try? read(stored, type: type, schema: schema) else { return nil }
        var reader = envelope.body(stored)
        guard let recipient = try? reader.textRange() else { return nil }
        return Ahead(type: type, envelope: envelope, recipient: recipient)
    }

    /// `read(_:type:schema:)` of a record whose envelope may have been read ahead (`ahead`, nil when it was not one
    /// the reading ahead looks for): that envelope when it is of `type`, nil when it is of another.
    @inline(__always)
    static func read(_ stored: UnsafeRawBufferPointer, type: EventType, schema: UInt8, ahead: Ahead?) throws -> RecordEnvelope? {
        if let ahead { return ahead.type == type ? ahead.envelope : nil }
        return try read(stored, type: type, schema: schema)
    }

    /// Checks that the payload, read up to `reader`'s offset, was as long as the envelope said and ended the record.
    func checkEnd(_ reader: ByteReader) throws {
        guard reader.offset - payloadStart == payloadLength, reader.isAtEnd else { throw DecodeError.invalid("a payload of the wrong length", at: reader.offset) }
    }
}
