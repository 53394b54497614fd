import LMDBStore

extension Ledger {
    /// Brings every projection up to date with `record`, in the transaction that appends it
    /// (or in memory, for a replay, with a `cache` of decoded entries). `log` is where voided events are read from.
    func project(
        _ record: EventRecord, in txn: borrowing some KeyValueStore & ~Copyable, log: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache? = nil
    ) throws {
        switch record.event {
        case .donorRegistered(let p): try store.register(txn, .donor, p.donor, p)
        case .siteRegistered(let p): try store.register(txn, .site, p.site, p)
        case .itemRegistered(let p): try store.register(txn, .item, p.item, p)
        case .campaignCreated(let p): try store.register(txn, .campaign, p.campaign, p)
        case .recipientRegistered(let p):
            try store.register(txn, .recipient, p.recipient, p)
            for d in p.documents { try txn.put(store.documents, LedgerStore.documentKey(d.hash), Array(p.recipient.utf8)) }
        case .recipientUpdated(let u):
            // The registry keeps the latest view: every document, the latest sealed data.
            guard var p = try store.registered(txn, .recipient, u.recipient, as: RecipientRegistered.self) else {
                throw LedgerError(.corruptRecord, "recipient \(u.recipient) is missing from the projections")
            }
            p.documents += u.addedDocuments
            if let sealed = u.personal { p.personal = sealed }
            try store.register(txn, .recipient, u.recipient, p)
            for d in u.addedDocuments { try txn.put(store.documents, LedgerStore.documentKey(d.hash), Array(u.recipient.utf8)) }
        case .recipientErased(let e):
            // Erasure takes the person out of the document index, so they may be registered anew, and drops the
            // sealed data from the projection; the log keeps only what its chain needs, sealed under a destroyed key.
            guard var p = try store.registered(txn, .recipient, e.recipient, as: RecipientRegistered.self) else {
                throw LedgerError(.corruptRecord, "recipient \(e.recipient) is missing from the projections")
            }
            for d in p.documents { try txn.delete(store.documents, LedgerStore.documentKey(d.hash)) }
            p.personal = nil
            try store.register(txn, .recipient, e.recipient, p)
            try txn.put(store.registry, LedgerStore.Kind.erased.key(e.recipient), LedgerStore.be64(record.position))
        case .goodsReceived(let p):
            let lot = Lot(
                id: record.position, kind: .goods, donor: p.donor, campaign: p.campaign, item: p.item, site: record.site,
                quantity: p.quantity, valuePerUnit: p.valuePerUnit, expires: p.expires, received: record.businessDate)
            try txn.put(store.lots, LedgerStore.be64(record.position), lot.encoded())
        case .cashReceived(let p):
            let lot = Lot(
                id: record.position, kind: .cash, donor: p.donor, campaign: p.campaign, item: "", site: "",
                quantity: p.amount, valuePerUnit: 1, expires: nil, received: record.businessDate)
            try txn.put(store.lots, LedgerStore.be64(record.position), lot.encoded())
        case .eventVoided(let v):
            guard let target = try store.record(log, at: v.target) else {
                throw LedgerError(.corruptRecord, "event #\(v.target), voided by #\(record.position), is missing")
            }
            try txn.put(store.voids, LedgerStore.be64(v.target), LedgerStore.be64(record.position))
            let reversal = try Effects(of: target) { try lot($0, txn, cache) }.negated
            try apply(reversal, at: record.position, in: txn, cache: cache)
            return
        default: break
        }
        try apply(try Effects(of: record) { try lot($0, txn, cache) }, at: record.position, in: txn, cache: cache)
    }

    private func lot(_ id: UInt64, _ txn: borrowing some KeyValueStore & ~Copyable, _ cache: ReplayCache?) throws -> Lot {
        guard let cache else { return try lot(txn, id) }
        return try cache.lot(id) { try lot(txn, $0) }
    }

    private func apply(_ effects: Effects, at position: UInt64, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?) throws {
        for s in effects.stock {
            let left = try add(store.stock, LedgerStore.stockKey(site: s.site, item: s.item, lot: s.lot), s.delta, txn, cache)
            guard left >= 0 else { throw LedgerError(.corruptRecord, "stock of lot #\(s.lot) at \(s.site) would go below zero at #\(position)") }
        }
        for c in effects.cash {
            let left = try add(store.cash, LedgerStore.cashPrefix(campaign: c.campaign) + LedgerStore.be64(c.lot), c.delta, txn, cache)
            guard left >= 0 else { throw LedgerError(.corruptRecord, "cash of lot #\(c.lot) would go below zero at #\(position)") }
        }
        for t in effects.totals { try add(store.totals, t.key, t.delta, txn, cache) }
        if let mine = effects.recipient { try applyToRecipient(mine, reach: effects.reach, sign: effects.sign, in: txn, cache: cache) }
        for (kind, id) in effects.touched {
            if let cache { cache.setVersion(kind.key(id), position) } else { try store.setVersion(txn, kind, id, position) }
        }
    }

    /// Adds to a counter in the store, or in the replay's cache. - Returns: the new value.
    @discardableResult
    private func add(_ db: Database, _ key: [UInt8], _ delta: Int64, _ txn: borrowing some KeyValueStore & ~Copyable, _ cache: ReplayCache?) throws -> Int64 {
        if let cache { return try cache.add(db, key, delta, from: store, txn) }
        return try store.add(txn, db, key, delta)
    }

    /// Updates the recipient's summary, and counts them once per donor or campaign: the first event that reaches
    /// them adds them (with their household, category and area) to its reach, the void of the last one removes them.
    private func applyToRecipient(
        _ effects: RecipientEffects, reach: [(scope: RecipientSummary.Scope, id: String)], sign: Int64, in txn: borrowing some KeyValueStore & ~Copyable,
        cache: ReplayCache?
    ) throws {
        let crossed: [(scope: RecipientSummary.Scope, id: String)]
        if let cache {
            crossed = try cache.withSummary(effects.id, from: store, txn) { Ledger.change(&$0, effects, reach: reach, sign: sign) }
        } else {
            var summary = try store.summary(txn, effects.id)
            crossed = Ledger.change(&summary, effects, reach: reach, sign: sign)
            try store.setSummary(txn, effects.id, summary)
        }
        guard !crossed.isEmpty else { return }
        // Only the first fields are needed: read them, not the documents and sealed data after them.
        guard let bytes = try txn.get(store.registry, LedgerStore.Kind.recipient.key(effects.id)) else {
            throw LedgerError(.corruptRecord, "recipient \(effects.id) is missing from the projections")
        }
        let r = try RecipientRegistered.Attributes(bytes)
        for (scope, id) in crossed {
            let scopeName = scope == .donor ? "donor" : "campaign"
            for (name, detail, amount) in [
                ("recipients", nil, 1), (r.kind == .household ? "households" : "individuals", nil, 1), ("people", nil, r.householdSize),
                ("category", r.category.rawValue, 1), ("area", r.area.rawValue, 1),
            ] as [(String, String?, Int64)] {
                try add(store.totals, LedgerStore.joined(scopeName, id, "reached", name, detail), sign * amount, txn, cache)
            }
        }
    }

    /// Applies the effects to the summary. - Returns: the donors and campaigns whose reach the recipient entered
    /// (or left, for a void) with this event.
    private static func change(
        _ summary: inout RecipientSummary, _ effects: RecipientEffects, reach: [(scope: RecipientSummary.Scope, id: String)], sign: Int64
    ) -> [(scope: RecipientSummary.Scope, id: String)] {
        effects.apply(to: &summary, sign: sign)
        var crossed: [(scope: RecipientSummary.Scope, id: String)] = []
        for (scope, id) in reach {
            let events = summary.reach(scope, id, sign)
            if (sign > 0 && events == 1) || (sign < 0 && events == 0) { crossed.append((scope, id)) }
        }
        return crossed
    }
}
