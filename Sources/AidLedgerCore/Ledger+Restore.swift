import LMDBStore

extension Ledger {
    /// Appends records exactly as exported (same bytes, same hashes) and projects them, after checking
    /// that each continues the chain from this ledger's head. Used to replay an export into a new ledger.
    ///
    /// Command ids are kept, so retrying an exported command here returns its original positions;
    /// what the command said was not exported, so any retry under that id counts as the same command.
    @available(*, noasync)
    public func restore(_ entries: [LogExport.Entry]) throws(LedgerError) {
        do {
            try writer.performAndWait {
                try env.write { txn in
                    var head = try store.head(txn)
                    for entry in entries {
                        let record = entry.record
                        guard record.position == head.position + 1 else {
                            throw LedgerError(.invalidField, "record #\(record.position) does not follow this ledger's last record #\(head.position)")
                        }
                        let hash = EventRecord.chainHash(previous: head.hash, body: entry.stored.dropLast(EventRecord.hashSize))
                        guard hash == record.hash else {
                            throw LedgerError(.corruptRecord, "record #\(record.position) does not match its hash; the export was changed")
                        }
                        try txn.put(store.log, LedgerStore.be64(record.position), entry.stored, options: .append)
                        try project(record, in: txn, log: txn)
                        // The records of one command follow each other: a second one extends the entry of the first.
                        var entry = CommandEntry(digest: CommandEntry.unknownDigest, first: record.position, count: 1)
                        if let seen = try store.command(txn, record.commandID), seen.first + seen.count == record.position {
                            entry = CommandEntry(digest: seen.digest, first: seen.first, count: seen.count + 1)
                        }
                        try store.setCommand(txn, record.commandID, entry)
                        head = Head(position: record.position, hash: hash, recordedAt: record.recordedAt)
                    }
                    try store.setHead(txn, head)
                }
            }
        } catch {
            throw Ledger.storageError(error, lost: "nothing of this stretch of the export was saved")
        }
    }
}
