import Foundation
import LMDBStore

extension Ledger {
    /// Visits every stored record in position order, up to `point`, without keeping them all in memory.
    public func forEachRecord(through point: AsOf = .head, _ body: (EventRecord, [UInt8]) throws -> Void) throws(LedgerError) {
        try read { txn in
            try txn.forEach(store.log) { key, value in
                let stored = Array(value)
                let record = try LedgerStore.logRecord(key, value)
                guard point.includes(record.position, recordedAt: record.recordedAt) else { return false }
                try body(record, stored)
                return true
            }
        }
    }
}

/// The formats of `aidledger export` and `GET /api/export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One JSON object per record with its stored bytes: verifiable and replayable.
    case jsonl
    /// One table for spreadsheets.
    case csv
    /// An hledger journal.
    case hledger

    /// The content type it is served with.
    public var contentType: String {
        switch self {
        case .jsonl: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        case .hledger: "text/plain; charset=utf-8"
        }
    }

    public static func parse(_ text: String) throws(LedgerError) -> ExportFormat {
        guard let f = ExportFormat(rawValue: text) else {
            throw LedgerError(.invalidField, "format \(Identifier.printable(text)) is not one of: jsonl, csv, hledger")
        }
        return f
    }
}

extension Ledger {
    /// Writes the whole log in `format`, piece by piece, to `write`.
    public func export(_ format: ExportFormat, to write: (String) -> Void) throws(LedgerError) {
        let cursor = try ExportCursor(self, format: format)
        while let piece = try cursor.nextPiece() { write(piece) }
    }
}

/// The auditor's export: one JSON object per record, readable, with its position, its hash and its
/// exact stored bytes (base64), so the chain can be verified and the ledger replayed without the database.
public enum LogExport {
    /// One export line.
    public static func line(_ record: EventRecord, stored: [UInt8]) -> String {
        guard case .object(var members) = record.json else { return "" }
        members.append(("stored", .string(Data(stored).base64EncodedString())))
        return JSONValue.object(members).serialized
    }

    /// A record read back from an export line, checked against its own readable fields.
    public struct Entry: Sendable {
        public var record: EventRecord
        public var stored: [UInt8]
    }

    /// Reads one export line: decodes its stored bytes and checks that the readable fields say the same.
    public static func entry(_ line: String) throws(LedgerError) -> Entry {
        let json: JSONValue
        do { json = try JSONValue.parse(line) } catch { throw LedgerError(.invalidJSON, "not valid JSON: \(error)") }
        guard let b64 = json["stored"]?.stringValue, let data = Data(base64Encoded: b64),
              case .number(let p)? = json["position"], let position = UInt64(p) else {
            throw LedgerError(.invalidField, "the line has no position or stored bytes; it is not an aidledger export")
        }
        let stored = [UInt8](data)
        let record: EventRecord
        do { record = try EventRecord.decode(position: position, stored: stored) } catch {
            throw LedgerError(.corruptRecord, "record #\(position)'s stored bytes cannot be read: \(error)")
        }
        guard case .object(var members) = json, members.last?.0 == "stored" else { throw LedgerError(.invalidField, "record #\(position) is not in export form") }
        members.removeLast()
        guard JSONValue.object(members) == record.json else {
            throw LedgerError(.corruptRecord, "record #\(position)'s readable fields differ from its stored bytes")
        }
        return Entry(record: record, stored: stored)
    }

    /// One line of an export, read: its number in the file, and the record or why it could not be read.
    public struct Line: Sendable {
        public var number: Int
        public var entry: Result<Entry, LedgerError>
    }

    /// Reads an export's lines in batches of `batchLines`, as many batches side by side as there are cores (reading
    /// a line, its JSON, its stored bytes and the comparison of the two, is nearly all the work of checking or
    /// replaying an export), and hands `body` each batch in file order until it returns false. Holds a batch per core.
    public static func forEachBatch(_ export: UnsafeBufferPointer<UInt8>, batchLines: Int = 10_000, _ body: ([Line]) throws -> Bool) rethrows {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var lines = TextLines(export)
        var more = true
        while more {
            var batches: [[(number: Int, start: Int, count: Int)]] = []
            while more && batches.count < cores {
                var batch: [(number: Int, start: Int, count: Int)] = []
                batch.reserveCapacity(batchLines)
                while batch.count < batchLines {
                    guard let (number, line) = lines.next() else { more = false; break }
                    batch.append((number, line.baseAddress.map { $0 - export.baseAddress! } ?? 0, line.count))
                }
                if !batch.isEmpty { batches.append(batch) }
            }
            let read = Locked([[Line]](repeating: [], count: batches.count))
            // The mapped file outlives the reading threads (they end before this returns): passed as its address.
            let (base, all) = (Int(bitPattern: export.baseAddress), batches)
            DispatchQueue.concurrentPerform(iterations: all.count) { i in
                let out = all[i].map { line in
                    Line(number: line.number, entry: Result { () throws(LedgerError) -> Entry in
                        let bytes = UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: base + line.start), count: line.count)
                        return try entry(String(decoding: bytes, as: UTF8.self))
                    })
                }
                read.withLock { $0[i] = out }
            }
            for batch in read.withLock({ $0 }) where !batch.isEmpty {
                guard try body(batch) else { return }
            }
        }
    }

    /// Checks an export's chain from its first line: positions gapless from 1, every hash recomputed. The lines are
    /// read in batches side by side (`forEachBatch`); the chain is followed through them in order.
    public static func verify(_ export: UnsafeBufferPointer<UInt8>, batchLines: Int = 10_000) -> VerifyReport {
        var previous = EventRecord.genesisHash
        var expected: UInt64 = 1
        var bad: (UInt64, String)?
        forEachBatch(export, batchLines: batchLines) { batch in
            for line in batch {
                let entry: Entry
                switch line.entry {
                case .failure(let error):
                    bad = (expected, "line \(expected): \(error.message)")
                    return false
                case .success(let read): entry = read
                }
                guard entry.record.position == expected else {
                    bad = (expected, "record #\(expected) is missing (the next line holds #\(entry.record.position))")
                    return false
                }
                let hash = EventRecord.chainHash(previous: previous, body: entry.stored.dropLast(EventRecord.hashSize))
                guard hash == entry.record.hash else {
                    bad = (expected, "record #\(expected) does not match its hash: it was changed, or one before it was")
                    return false
                }
                previous = hash
                expected += 1
            }
            return true
        }
        return VerifyReport(count: expected - 1, headHash: previous.hexString, firstBadPosition: bad?.0, problem: bad?.1)
    }

    /// The events as one table for spreadsheets (UTF-8 with a byte-order mark).
    public static let csvHeader = ["position", "business_date", "recorded_at", "type", "site", "actor", "command_id",
                                   "recipient", "donor", "campaign", "item", "quantity", "amount_kopecks", "target", "detail", "hash"]

    /// A record as CSV rows: one per issued item line, one otherwise.
    public static func csvRows(_ r: EventRecord) -> [[String]] {
        let base = [String(r.position), r.businessDate.description, EventRecord.formatMicros(r.recordedAt), r.event.type.name, r.site, r.actor, r.commandID]
        func row(recipient: String = "", donor: String = "", campaign: String = "", item: String = "", quantity: Int64? = nil, amount: Int64? = nil, target: UInt64? = nil, detail: String = "") -> [String] {
            base + [recipient, donor, campaign, item, quantity.map(String.init) ?? "", amount.map(String.init) ?? "", target.map(String.init) ?? "", detail, r.hash.hexString]
        }
        switch r.event {
        case .donorRegistered(let p): return [row(donor: p.donor, detail: "\(p.name) (\(p.kind.rawValue))")]
        case .siteRegistered(let p): return [row(detail: "\(p.site): \(p.name), \(p.settlement), \(p.area.rawValue)")]
        case .itemRegistered(let p): return [row(item: p.item, amount: p.valuePerUnit, detail: "\(p.name) per \(p.unit)")]
        case .campaignCreated(let p): return [row(campaign: p.campaign, detail: "\(p.name) \(p.starts)…\(p.ends)")]
        case .campaignUpdated(let p): return [row(campaign: p.campaign, detail: p.change)]
        case .recipientRegistered(let p): return [row(recipient: p.recipient, detail: "\(p.kind.rawValue) of \(p.householdSize), \(p.category.rawValue), \(p.area.rawValue)")]
        case .recipientUpdated(let p): return [row(recipient: p.recipient, detail: p.change)]
        case .recipientErased(let p): return [row(recipient: p.recipient, detail: "personal data erased: \(p.reason)")]
        case .goodsReceived(let p):
            let detail = p.document + (p.forCategory.map { " (for \($0.rawValue) only)" } ?? "")
            return [row(donor: p.donor, campaign: p.campaign ?? "", item: p.item, quantity: p.quantity, amount: p.quantity * p.valuePerUnit, detail: detail)]
        case .cashReceived(let p): return [row(donor: p.donor, campaign: p.campaign, amount: p.amount, detail: p.document)]
        case .goodsIssued(let p): return p.lines.map { row(recipient: p.recipient, campaign: p.campaign, item: $0.item, quantity: $0.quantity, detail: p.overrideReason.map { "override: \($0)" } ?? "") }
        case .cashGranted(let p): return [row(recipient: p.recipient, campaign: p.campaign, amount: p.amount, detail: "\(p.channel.rawValue) \(p.reference)")]
        case .stockTransferred(let p): return [row(item: p.item, quantity: p.quantity, detail: "to \(p.toSite)")]
        case .stockAdjusted(let p): return [row(item: p.item, quantity: p.delta, detail: "\(p.reason.rawValue) \(p.note)")]
        case .eventVoided(let p): return [row(target: p.target, detail: p.reason)]
        }
    }

    /// A CSV field, quoted when needed.
    public static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}
