import COpenSSL
import Foundation

/// A committed event with its envelope, exactly as stored in the log.
///
/// Stored form (the value under the big-endian position key):
/// `format(1) type(u16) schema(1) event-id(16) command-id(str) recorded-at(u64 µs) business-date(zigzag days)
///  actor(str) site(str) payload(len+bytes)` followed by the 32-byte SHA-256 of (previous hash ‖ everything before it).
public struct EventRecord: Sendable, Equatable {
    public static let format: UInt8 = 1
    public static let hashSize = 32
    /// The hash the first record chains from.
    public static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// Gapless, starting at 1, in commit order.
    public var position: UInt64
    public var eventID: EventID
    /// The client's id of the command that produced this event.
    public var commandID: String
    /// When the ledger committed it, in microseconds since 1970 (UTC); never earlier than the record before.
    public var recordedAt: Int64
    /// The day the fact applies to; reports and entitlements count by it.
    public var businessDate: BusinessDate
    /// Who recorded it (the operator or the API token's name).
    public var actor: String
    /// The site it happened at, or "" when it belongs to no site.
    public var site: String
    public var event: Event
    /// SHA-256 over the previous record's hash and this record's stored bytes.
    public var hash: [UInt8]

    /// The bytes the hash covers.
    public func body() -> [UInt8] {
        var w = ByteWriter(capacity: 160)
        w.u8(EventRecord.format)
        w.u16(event.type.rawValue)
        w.u8(event.schemaVersion)
        w.raw(eventID.bytes)
        w.string(commandID)
        w.u64(UInt64(bitPattern: recordedAt))
        w.date(businessDate)
        w.string(actor)
        w.string(site)
        var p = ByteWriter(capacity: 96)
        event.payload.encode(into: &p)
        w.varint(UInt64(p.bytes.count))
        w.raw(p.bytes)
        return w.bytes
    }

    /// Builds the record and its hash from its fields and the previous record's hash.
    public static func seal(
        position: UInt64, eventID: EventID, commandID: String, recordedAt: Int64, businessDate: BusinessDate,
        actor: String, site: String, event: Event, previousHash: [UInt8]
    ) -> (record: EventRecord, stored: [UInt8]) {
        var record = EventRecord(
            position: position, eventID: eventID, commandID: commandID, recordedAt: recordedAt, businessDate: businessDate,
            actor: actor, site: site, event: event, hash: []
        )
        var stored = record.body()
        record.hash = chainHash(previous: previousHash, body: stored[...])
        stored.append(contentsOf: record.hash)
        return (record, stored)
    }

    /// SHA-256(previous ‖ body).
    public static func chainHash(previous: [UInt8], body: some ContiguousBytes) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        _ = SHA256_Update(&context, previous, previous.count)
        body.withUnsafeBytes { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
        var out = [UInt8](repeating: 0, count: 32)
        _ = SHA256_Final(&out, &context)
        return out
    }

    /// Reads a stored record. Does not check its hash: `Ledger.verify` does.
    /// `envelope: false` leaves out what no projection or report reads (the event id, the command id, the actor, the
    /// hash, and an issuance's entitlement decisions and override reason): a replay's form.
    public static func decode(position: UInt64, stored: [UInt8], envelope: Bool = true) throws -> EventRecord {
        try stored.withUnsafeBytes { try decode(position: position, bytes: $0, envelope: envelope) }
    }

    /// `decode(position:stored:envelope:)` of bytes where they lie (a record in the log's map).
    static func decode(position: UInt64, bytes stored: UnsafeRawBufferPointer, envelope: Bool = true) throws -> EventRecord {
        guard stored.count > hashSize else { throw DecodeError.truncated(at: stored.count) }
        var r = ByteReader(stored, end: stored.count - hashSize)
        r.leavesOutDecisions = !envelope
        let format = try r.u8()
        guard format == EventRecord.format else { throw DecodeError.invalid("record format \(format)", at: 0) }
        let type = try r.u16()
        let version = try r.u8()
        let eventID: EventID
        if envelope {
            eventID = EventID(bytes: try r.raw(16))
        } else {
            try r.skip(16)
            eventID = EventID(bytes: [])
        }
        let commandID = envelope ? try r.string() : try r.skipString()
        let recordedAt = Int64(bitPattern: try r.u64())
        let date = try r.date()
        let actor = envelope ? try r.string() : try r.skipString()
        let site = try r.string()
        let length = try r.count()
        let payloadStart = r.offset
        let event = try Event.decode(type: type, version: version, from: &r)
        guard r.offset - payloadStart == length, r.isAtEnd else {
            throw DecodeError.invalid("a payload of the wrong length", at: r.offset)
        }
        return EventRecord(
            position: position, eventID: eventID, commandID: commandID, recordedAt: recordedAt, businessDate: date,
            actor: actor, site: site, event: event, hash: envelope ? Array(stored.suffix(hashSize)) : []
        )
    }

    /// The record as one JSON object, with its position and hash (the export and `log --json` form).
    public var json: JSONValue {
        .object([
            ("position", .int(position)), ("type", .string(event.type.name)), ("schema", .int(event.schemaVersion)),
            ("event_id", .string(eventID.description)), ("command_id", .string(commandID)),
            ("recorded_at", .string(EventRecord.formatMicros(recordedAt))), ("recorded_at_us", .int(recordedAt)),
            ("business_date", .date(businessDate)), ("actor", .string(actor)), ("site", site.isEmpty ? .null : .string(site)),
            ("data", .object(event.payload.json)), ("hash", .string(hash.hexString)),
        ])
    }

    /// `2026-11-23T10:15:02.123456Z`
    public static func formatMicros(_ micros: Int64) -> String {
        let seconds = floorDiv(micros, 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let date = BusinessDate(day: Int32(floorDiv(seconds, 86_400)))
        let s = seconds - Int64(date.day) * 86_400
        var out: [UInt8] = []
        out.reserveCapacity(27)
        date.write(into: &out)
        out.append(UInt8(ascii: "T"))
        BusinessDate.digits(s / 3600, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        BusinessDate.digits(s / 60 % 60, 2, into: &out)
        out.append(UInt8(ascii: ":"))
        BusinessDate.digits(s % 60, 2, into: &out)
        out.append(UInt8(ascii: "."))
        BusinessDate.digits(fraction, 6, into: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
