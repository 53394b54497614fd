import LMDBStore

/// An export of the log up to the head it began at, written a piece at a time: each piece is read in a read
/// transaction of its own, so a server can send an export of any size while it goes on recording, and hold one piece
/// in memory, not the whole text. The log is append-only, so the pieces together are the same as one read.
public final class ExportCursor: @unchecked Sendable {  // used by one task at a time
    public let format: ExportFormat
    private let ledger: Ledger
    /// The last position exported: the head when the export began.
    public let last: UInt64
    private var next: UInt64 = 1
    private var started = false
    private var journal: HledgerJournal?

    public init(_ ledger: Ledger, format: ExportFormat) throws(LedgerError) {
        self.ledger = ledger
        self.format = format
        (last, journal) = try ledger.read { txn in
            let last = try ledger.store.head(txn).position
            guard format == .hledger else { return (last, nil) }
            // The events voided inside the exported history: their postings are kept to reverse them.
            var voided = Set<UInt64>()
            try txn.forEach(ledger.store.voids) { target, void in
                if LedgerStore.readBE64(void) <= last { voided.insert(LedgerStore.readBE64(target)) }
                return true
            }
            return (last, HledgerJournal(voided: voided))
        }
    }

    /// The next piece of the export, of at most `records` records (the format's header comes first), or nil once
    /// every record up to `last` has been written.
    public func nextPiece(records: Int = 2_000) throws(LedgerError) -> String? {
        var out = ""
        if !started {
            started = true
            switch format {
            case .jsonl: break
            case .csv: out = "\u{FEFF}" + LogExport.csvHeader.joined(separator: ",") + "\r\n"
            case .hledger: out = HledgerJournal.header
            }
        }
        guard next <= last else { return out.isEmpty ? nil : out }
        let through = min(last, next + UInt64(max(records, 1)) - 1)
        try ledger.read { txn in
            try txn.forEach(ledger.store.log, from: LedgerStore.be64(next)) { key, value in
                let position = LedgerStore.readBE64(key)
                guard position <= through else { return false }
                let stored = Array(value)
                let record = try LedgerStore.logRecord(key, value)
                switch format {
                case .jsonl: out += LogExport.line(record, stored: stored) + "\n"
                case .csv: for row in LogExport.csvRows(record) { out += row.map(LogExport.csvField).joined(separator: ",") + "\r\n" }
                case .hledger: if let entry = journal?.entry(record) { out += entry }
                }
                return true
            }
        }
        next = through + 1
        return out
    }
}
