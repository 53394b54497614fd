import LMDBStore

extension Ledger {
    /// Runs a batch inside the open write transaction.
    ///
    /// A command's checks only read, so a command they refuse has written nothing and fails alone. The batch
    /// first runs in one nested transaction with the commands side by side; only when a command is refused after
    /// it began writing (a running total that would overflow) is that attempt dropped and the batch run again
    /// with each command in a nested transaction of its own, so that command rolls back alone.
    func execute(batch commands: [Command], in txn: borrowing Transaction) throws -> [Result<Outcome, LedgerError>] {
        let start = try store.head(txn)
        // Recording times never go backwards, even if the system clock does.
        let now = max(clock(), start.recordedAt)
        let today = BusinessDate.today(now: .init(timeIntervalSince1970: Double(now) / 1_000_000))
        var head = start
        var results: [Result<Outcome, LedgerError>]
        if let together = try together(commands, in: txn, head: &head, now: now, today: today) {
            results = together
        } else {
            head = start
            results = []
            results.reserveCapacity(commands.count)
            for command in commands {
                let before = head
                do {
                    let outcome = try txn.nested { child in
                        try run(try prepare(command, in: child, now: now, today: today), in: child, head: &head, now: now)
                    }
                    results.append(.success(outcome))
                } catch let error as LedgerError where error.isRejection {
                    head = before
                    results.append(.failure(error))
                }
            }
        }
        if head != start { try store.setHead(txn, head) }
        return results
    }

    /// The batch in one nested transaction, without one per command. - Returns: nil when a command was refused
    /// after it began writing: the nested transaction is then aborted, and the caller isolates each command.
    private func together(
        _ commands: [Command], in txn: borrowing Transaction, head: inout Head, now: Int64, today: BusinessDate
    ) throws -> [Result<Outcome, LedgerError>]? {
        do {
            return try txn.nested { child in
                guard let results = try executeTogether(commands, in: child, head: &head, now: now, today: today) else { throw RefusedWhileWriting() }
                return results
            }
        } catch is RefusedWhileWriting {
            return nil
        }
    }

    private struct RefusedWhileWriting: Error {}

    private func executeTogether(
        _ commands: [Command], in txn: borrowing Transaction, head: inout Head, now: Int64, today: BusinessDate
    ) throws -> [Result<Outcome, LedgerError>]? {
        var results: [Result<Outcome, LedgerError>] = []
        results.reserveCapacity(commands.count)
        // The batch's running totals and versions are written once, at its end (an overflow refuses the command at
        // once); a command that states the version it expects reads the versions written so far. A batch of one
        // writes them directly.
        let batch = commands.count > 1 ? BatchOverlay() : nil
        for command in commands {
            if command.expectedVersion != nil { try batch?.versions.flush(to: store, txn) }
            switch try checked({ try prepare(command, in: txn, now: now, today: today) }) {
            case .failure(let error): results.append(.failure(error))
            case .success(let prepared):
                switch try checked({ try run(prepared, in: txn, head: &head, now: now, batch: batch) }) {
                case .success(let outcome): results.append(.success(outcome))
                case .failure: return nil
                }
            }
        }
        try batch?.flush(to: store, txn)
        return results
    }

    /// The outcome of `body`, with a refusal as a failure; other errors (storage) are thrown.
    private func checked<T>(_ body: () throws -> T) throws -> Result<T, LedgerError> {
        do {
            return .success(try body())
        } catch let error as LedgerError where error.isRejection {
            return .failure(error)
        }
    }

    /// What a checked command will do: answer as a retry, or append these events.
    private enum Prepared {
        case duplicate(Outcome)
        case append(Command, digest: [UInt8], date: BusinessDate, events: [PendingEvent])
    }

    /// Checks one command against the ledger and decides its events. Reads only.
    private func prepare(_ command: Command, in txn: borrowing Transaction, now: Int64, today: BusinessDate) throws -> Prepared {
        let digest = secret.digest(command.input.canonicalBytes)
        if let seen = try store.command(txn, command.id) {
            guard seen.matches(digest) else {
                throw LedgerError(.commandIDReused, "command id \(command.id) was already used for a different command; choose a new id")
            }
            let records = try (seen.first..<seen.first + seen.count).map { p throws -> EventRecord in
                guard let r = try store.record(txn, at: p) else { throw LedgerError(.corruptRecord, "event #\(p) of command \(command.id) is missing") }
                return r
            }
            return .duplicate(Outcome(commandID: command.id, status: .duplicate, records: records))
        }
        let date = command.date ?? today
        guard date <= today else {
            throw LedgerError(.dateOutOfRange, "the date \(date) is in the future; today in Kyiv is \(today)")
        }
        guard date >= BusinessDate.earliest else {
            throw LedgerError(.dateOutOfRange, "the date \(date) is before \(BusinessDate.earliest), the earliest the ledger accepts")
        }
        return .append(command, digest: digest, date: date, events: try decide(command, date: date, in: txn))
    }

    /// Appends a prepared command's events, updates the projections and keeps the command id.
    private func run(_ prepared: Prepared, in txn: borrowing Transaction, head: inout Head, now: Int64, batch: BatchOverlay? = nil) throws -> Outcome {
        switch prepared {
        case .duplicate(let outcome): return outcome
        case .append(let command, let digest, let date, let pending):
            return try append(command, digest: digest, date: date, events: pending, in: txn, head: &head, now: now, batch: batch)
        }
    }

    private func append(
        _ command: Command, digest: [UInt8], date: BusinessDate, events pending: [PendingEvent], in txn: borrowing Transaction, head: inout Head, now: Int64,
        batch: BatchOverlay?
    ) throws -> Outcome {
        var records: [EventRecord] = []
        for (site, event) in pending {
            let position = head.position + 1
            let (record, stored) = EventRecord.seal(
                position: position, eventID: EventID.make(atMicros: now), commandID: command.id, recordedAt: now,
                businessDate: date, actor: command.actor, site: site, event: event, previousHash: head.hash)
            try txn.put(store.log, LedgerStore.be64(position), stored, options: .append)
            head = Head(position: position, hash: record.hash, recordedAt: now)
            try project(record, in: txn, log: txn, batch: batch)
            records.append(record)
        }
        let first = records.first?.position ?? head.position + 1
        try store.setCommand(txn, command.id, CommandEntry(digest: digest, first: first, count: UInt64(records.count)))
        return Outcome(commandID: command.id, status: .appended, records: records)
    }
}
