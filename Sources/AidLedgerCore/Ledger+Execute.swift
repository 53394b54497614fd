import LMDBStore

extension Ledger {
    /// Runs a batch inside the open write transaction; each command in a nested transaction.
    func execute(batch commands: [Command], in txn: borrowing Transaction) throws -> [Result<Outcome, LedgerError>] {
        let start = try store.head(txn)
        var head = start
        // Recording times never go backwards, even if the system clock does.
        let now = max(clock(), head.recordedAt)
        let today = BusinessDate.today(now: .init(timeIntervalSince1970: Double(now) / 1_000_000))
        var results: [Result<Outcome, LedgerError>] = []
        results.reserveCapacity(commands.count)
        for command in commands {
            let before = head
            do {
                let outcome = try txn.nested { child in
                    try execute(command, in: child, head: &head, now: now, today: today)
                }
                results.append(.success(outcome))
            } catch let error as LedgerError where error.isRejection {
                head = before
                results.append(.failure(error))
            }
        }
        if head != start { try store.setHead(txn, head) }
        return results
    }

    /// Checks one command, appends its events and updates the projections.
    private func execute(_ command: Command, in txn: borrowing Transaction, head: inout Head, now: Int64, today: BusinessDate) throws -> Outcome {
        let digest = secret.digest(command.input.canonicalBytes)
        let idKey = Array(command.id.utf8)
        if let seen = try txn.get(store.commands, idKey).map { try CommandEntry(decoding: $0) } {
            guard seen.matches(digest) else {
                throw LedgerError(.commandIDReused, "command id \(command.id) was already used for a different command; choose a new id")
            }
            let records = try (seen.first..<seen.first + seen.count).map { p throws -> EventRecord in
                guard let r = try store.record(txn, at: p) else { throw LedgerError(.corruptRecord, "event #\(p) of command \(command.id) is missing") }
                return r
            }
            return Outcome(commandID: command.id, status: .duplicate, records: records)
        }
        let date = command.date ?? today
        guard date <= today else {
            throw LedgerError(.dateOutOfRange, "the date \(date) is in the future; today in Kyiv is \(today)")
        }
        guard date >= BusinessDate.earliest else {
            throw LedgerError(.dateOutOfRange, "the date \(date) is before \(BusinessDate.earliest), the earliest the ledger accepts")
        }
        let pending = try decide(command, date: date, in: txn)
        var records: [EventRecord] = []
        for (site, event) in pending {
            let position = head.position + 1
            let (record, stored) = EventRecord.seal(
                position: position, eventID: EventID.make(atMicros: now), commandID: command.id, recordedAt: now,
                businessDate: date, actor: command.actor, site: site, event: event, previousHash: head.hash)
            try txn.put(store.log, LedgerStore.be64(position), stored, options: .append)
            head = Head(position: position, hash: record.hash, recordedAt: now)
            try project(record, in: txn, log: txn)
            records.append(record)
        }
        let first = records.first?.position ?? head.position + 1
        try txn.put(store.commands, idKey, CommandEntry(digest: digest, first: first, count: UInt64(records.count)).encoded())
        return Outcome(commandID: command.id, status: .appended, records: records)
    }
}
