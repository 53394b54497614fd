import LMDBStore

extension Ledger {
    /// Brings every projection up to date with `record`, in the transaction that appends it
    /// (or in memory, for a replay, with a `cache` of decoded entries). `log` is where voided events are read from.
    /// `batch` keeps the running totals and versions of a batch of commands until the batch ends. `planned`: the
    /// record's effects as a replay's reading thread worked them out (the plan and the record's index in it).
    func project(
        _ record: EventRecord, in txn: borrowing some KeyValueStore & ~Copyable, log: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache? = nil,
        batch: BatchOverlay? = nil, planned: (plan: EffectPlan, index: Int)? = nil
    ) throws {
        // A replay writes the registry, documents and lots in key order when its chunk ends; a record that reads
        // them first has those of the records before it written.
        if let cache, Ledger.readsRegistry(record) { try cache.writeDeferred(to: txn) }
        switch record.event {
        case .donorRegistered(let p): try register(.donor, p.donor, p, in: txn, cache: cache)
        case .siteRegistered(let p): try register(.site, p.site, p, in: txn, cache: cache)
        case .itemRegistered(let p): try register(.item, p.item, p, in: txn, cache: cache)
        case .campaignCreated(let p): try register(.campaign, p.campaign, p, in: txn, cache: cache)
        case .campaignUpdated(let u):
            // The registry keeps the campaign as it stands now; the log keeps each change.
            guard let p = try store.registered(txn, .campaign, u.campaign, as: CampaignCreated.self) else {
                throw LedgerError(.corruptRecord, "campaign \(u.campaign) is missing from the projections")
            }
            try store.register(txn, .campaign, u.campaign, u.applied(to: p))
        case .recipientRegistered(let p):
            try register(.recipient, p.recipient, p, in: txn, cache: cache)
            for d in p.documents { try put(store.documents, LedgerStore.documentKey(d.hash), Array(p.recipient.utf8), in: txn, cache: cache) }
        case .recipientUpdated(let u):
            // The registry keeps the latest view: every document, the latest sealed data.
            guard var p = try store.registered(txn, .recipient, u.recipient, as: RecipientRegistered.self) else {
                throw LedgerError(.corruptRecord, "recipient \(u.recipient) is missing from the projections")
            }
            p.documents += u.addedDocuments
            if let sealed = u.personal { p.personal = sealed }
            if let change = u.profile {
                // The registry keeps the profile now; the changes, by position, answer for earlier points.
                if change.movesReach { try moveReach(of: p, change, in: txn, cache: cache, batch: batch) }
                p = change.after.applied(to: p)
                try store.addProfileChange(txn, u.recipient, at: record.position, change)
            }
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
        case .goodsReceived, .cashReceived:
            if let lot = Lot(intake: record) { try put(store.lots, LedgerStore.be64(record.position), lot.encoded(), in: txn, cache: cache) }
        case .eventVoided(let v):
            try txn.put(store.voids, LedgerStore.be64(v.target), LedgerStore.be64(record.position))
            // A void's plan holds its target's effects already; without one, they are worked out from the target here.
            let source = planned == nil ? try store.voidTarget(of: v, at: record.position, in: log) : record
            try apply(source, sign: -1, at: record.position, in: txn, cache: cache, batch: batch, planned: planned)
            return
        default: break
        }
        try apply(record, sign: 1, at: record.position, in: txn, cache: cache, batch: batch, planned: planned)
    }

    /// Whether projecting `record` reads the registry or the documents index (which a replay writes when its chunk
    /// ends): a change to an entity registered before it.
    static func readsRegistry(_ record: borrowing EventRecord) -> Bool {
        switch record.event {
        case .campaignUpdated, .recipientUpdated, .recipientErased: true
        default: false
        }
    }

    /// Registers the entity `id` of `kind` as `payload` holds it: in the store, or for a replay when its chunk ends.
    private func register<P: EventPayload>(_ kind: LedgerStore.Kind, _ id: String, _ payload: P, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?) throws {
        guard let cache else { return try store.register(txn, kind, id, payload) }
        let (key, value) = LedgerStore.registryEntry(kind, id, payload)
        cache.putLater(store.registry, key, value)
    }

    /// Writes an entry of the documents index or the lots: in the store, or for a replay when its chunk ends.
    private func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?) throws {
        guard let cache else { return try txn.put(db, key, value) }
        cache.putLater(db, key, value)
    }

    /// Applies the effects of `record` times `sign` (-1: its void, at `position`), or those `planned` for it
    /// (which a void's plan holds already negated). A plan is a replay's: its counters and versions go to `cache`.
    private func apply(
        _ record: EventRecord, sign: Int64, at position: UInt64, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?, batch: BatchOverlay?,
        planned: (plan: EffectPlan, index: Int)? = nil
    ) throws {
        if planned != nil {
            // Unwrapped in place, not bound: a binding retained the plan and the cache for every event.
            precondition(cache != nil, "a plan is only followed by a replay, into its cache")
            return try follow(planned!.plan, planned!.index, sign: sign, at: position, in: txn, cache: cache!)
        }
        precondition(cache == nil, "a replay follows the plan its reading thread made")
        var change = SummaryChange()
        try Effect.visit(record, sign: sign, lot: { try lot(txn, $0) }) { effect in
            if effect.isOnSummary {
                // Handed over as it is (its last use), not copied.
                return try change.take(effect, sign: sign) { id in try summaries.summary(txn, store, id) }
            }
            switch effect {
            case .stock(let site, let item, let lot, let delta):
                let left = try add(store.stock, .stock(site: site, item: item, lot: lot), delta, txn, nil)
                guard left >= 0 else { throw Ledger.belowZero(lot: lot, site: site, at: position) }
            case .cash(let campaign, let lot, let delta):
                let left = try add(store.cash, .cash(campaign: campaign, lot: lot), delta, txn, nil)
                guard left >= 0 else { throw Ledger.belowZero(lot: lot, site: nil, at: position) }
            case .total(let name, let delta):
                try add(store.totals, .total(name), delta, txn, batch)
            case .touched(let kind, let id):
                if let versions = batch?.versions { versions.set(kind, id, position) } else { try store.setVersion(txn, kind, id, position) }
            case .recipient, .goods, .grant, .issued, .counts, .reach:
                preconditionFailure("an effect on the summary was taken above")
            }
        }
        try finish(&change, sign: sign, in: txn, batch: batch)
    }

    /// Projects the `index`th record of a replay's batch whose plan holds all it changes (`EffectPlan.onlySteps`): the
    /// record itself is not read.
    func projectSteps(of plan: EffectPlan, _ index: Int, at position: UInt64, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache) throws {
        do {
            try plan.forEachEntry(of: index) { table, key, value in
                let db = switch table {
                case .registry, .registration: store.registry
                case .documents: store.documents
                case .lots: store.lots
                }
                cache.putLater(db, key, value)
            } registered: { recipient, profile in
                cache.texts.registered(recipient, profile)
            }
        } catch is DecodeError {
            throw LedgerStore.unreadable(position)  // a registration whose payload cannot be read, as a decoded one
        }
        try follow(plan, index, sign: 1, at: position, in: txn, cache: cache)
    }

    /// Follows a replay's plan for the `index`th record of its batch: its keys are numbered, only the sums are left,
    /// and its marks change its recipient's summary where the cache holds it. (Apart from `apply`'s closure: the change here
    /// is a plain local, which a closure capturing it would put in a box checked on every access.)
    private func follow(
        _ plan: EffectPlan, _ index: Int, sign: Int64, at position: UInt64, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache
    ) throws {
        if let head = plan.head(of: index) { return try follow(pieces: plan, index, of: head.n0, at: position, in: txn, cache: cache) }
        try follow(steps: plan.steps.slice(plan.range(of: index)), marks: plan.marks.slice(plan.marks(of: index)), sign: sign, at: position, in: txn, cache: cache)
    }

    /// `follow(_:_:sign:at:in:cache:)` of an issuance of the recipient numbered `recipient` read from its bytes, from
    /// its pieces (`ReplayedIssuance`).
    private func follow(
        pieces plan: EffectPlan, _ index: Int, of recipient: ReplaySymbols.Symbol, at position: UInt64, in txn: borrowing some KeyValueStore & ~Copyable,
        cache: ReplayCache
    ) throws {
        let slot = try cache.heldSummary(recipient) ?? cache.summary(recipient, from: store, txn)
        cache.unreadSteps.removeAll()
        let issuance = try ReplayedIssuance(plan, index, slot: slot, at: position, cache: cache)
        if let step = issuance.belowZero { throw belowZero(step, at: position, cache: cache) }
        for step in cache.unreadSteps.slice(0..<cache.unreadSteps.count) {
            let left = try cache.values.add(step.index, step.delta, from: store, txn)
            guard left >= 0 || step.kind == .total else { throw belowZero(step, at: position, cache: cache) }
        }
        try finish(issuance.change, sign: 1, in: txn, cache: cache)
    }

    /// `follow(_:_:sign:at:in:cache:)` of a record's steps and marks.
    private func follow(
        steps: UnsafeBufferPointer<EffectPlan.Step>, marks: UnsafeBufferPointer<SummaryMark>, sign: Int64, at position: UInt64,
        in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache
    ) throws {
        for step in steps {
            switch step.kind {
            case .version:
                cache.values.set(step.index, position)
            case .stock, .cash, .total:
                // The store is passed only when the counter is read (here as for the summary above): passed on every
                // call, the ledger's store was copied for every step.
                let left: Int64
                if let added = try cache.values.addIfRead(step.index, step.delta) { left = added } else { left = try cache.values.add(step.index, step.delta, from: store, txn) }
                guard left >= 0 || step.kind == .total else { throw belowZero(step, at: position, cache: cache) }
            }
        }
        // The summary's changes, in their order: the recipient's mark first.
        var change = ReplayedChange()
        for mark in marks {
            if mark.kind == .recipient {
                if let slot = cache.heldSummary(mark.first) {
                    change.begin(mark.first, slot: slot)
                } else {
                    change.begin(mark.first, slot: try cache.summary(mark.first, from: store, txn))
                }
            } else {
                change.take(mark, sign: sign, cache: cache)
            }
        }
        try finish(change, sign: sign, in: txn, cache: cache)
    }

    /// Ends a replayed event's change of its recipient's summary: counts the reach its marks could not count by number.
    @inline(__always)
    private func finish(_ change: ReplayedChange, sign: Int64, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache) throws {
        guard change.symbol >= 0 else { return }
        cache.changed()
        if !change.uncounted.isEmpty {
            // Counted by text, with the attributes the registry holds.
            try cache.writeDeferred(to: txn)
            let texts = cache.texts
            try countReach(of: texts.text(change.symbol), nil, change.uncounted.map { ($0.scope, texts.text($0.id)) }, sign: sign, in: txn, cache: cache, batch: nil)
        }
    }

    /// The error of a replayed step that takes a stock or cash counter below zero: a stock key begins with its site,
    /// and a stock or cash key ends with its lot.
    private func belowZero(_ step: EffectPlan.Step, at position: UInt64, cache: ReplayCache) -> LedgerError {
        let key = cache.values.key(step.index).key
        let site = step.kind == .stock ? String(decoding: key.prefix { $0 != 0 }, as: UTF8.self) : nil
        return Ledger.belowZero(lot: LedgerStore.readBE64(key.suffix(8)), site: site, at: position)
    }

    /// Stores the recipient's changed summary and counts the reach they entered or left.
    private func finish(_ change: inout SummaryChange, sign: Int64, in txn: borrowing some KeyValueStore & ~Copyable, batch: BatchOverlay?) throws {
        guard let recipient = change.recipient else { return }
        try summaries.setSummary(txn, store, recipient, change.summary)
        if !change.crossed.isEmpty { try countReach(of: recipient, nil, change.crossed, sign: sign, in: txn, cache: nil, batch: batch) }
    }

    /// Adds to a counter in the store, or in the batch's overlay. - Returns: the new value.
    @discardableResult
    private func add(_ db: Database, _ key: CounterKey, _ delta: Int64, _ txn: borrowing some KeyValueStore & ~Copyable, _ batch: BatchOverlay?) throws -> Int64 {
        if let overlay = batch?.totals { return try overlay.add(db, key, delta, from: store, txn) }
        return try store.add(txn, db, key.bytes, delta)
    }

    /// A log whose replay takes a lot's stock (at `site`) or cash below zero: its history is not what was appended.
    static func belowZero(lot: UInt64, site: String?, at position: UInt64) -> LedgerError {
        if let site { return LedgerError(.corruptRecord, "stock of lot #\(lot) at \(site) would go below zero at #\(position)") }
        return LedgerError(.corruptRecord, "cash of lot #\(lot) would go below zero at #\(position)")
    }

    /// Moves a recipient whose household's size, category or area changed from the reach groups of their old profile
    /// to those of the new, for every donor and campaign that has reached them: the reach counts always describe the
    /// recipients as they are now, and a void after the change takes them out of the groups they are in. A replay
    /// moves them when its chunk ends (`ReplayCache.flush`), where their summary holds every event before the change.
    private func moveReach(
        of p: RecipientRegistered, _ change: RecipientProfile.Change, in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?, batch: BatchOverlay?
    ) throws {
        let before = RecipientRegistered.Attributes(p)
        let after = change.after.applied(to: before)
        if let cache { return cache.move(p.recipient, from: before, to: after) }
        let reached = try summaries.summary(txn, store, p.recipient).reached
        try countReach(of: p.recipient, before, reached, sign: -1, in: txn, cache: nil, batch: batch)
        try countReach(of: p.recipient, after, reached, sign: 1, in: txn, cache: nil, batch: batch)
    }

    /// Counts the recipient once per donor or campaign: the first event that reaches them adds them (with their
    /// household, category and area) to its reach, the void of the last one removes them. A replay gathers these in
    /// its cache and adds them to the running totals when its chunk ends (`ReplayCache.flush`).
    private func countReach(
        of recipient: String, _ known: RecipientRegistered.Attributes?, _ crossed: [(scope: RecipientSummary.Scope, id: String)], sign: Int64,
        in txn: borrowing some KeyValueStore & ~Copyable, cache: ReplayCache?, batch: BatchOverlay?
    ) throws {
        guard let r = try known ?? store.recipientAttributes(txn, recipient) else {
            throw LedgerError(.corruptRecord, "recipient \(recipient) is missing from the projections")
        }
        for (scope, id) in crossed {
            let group = ReachGroup(scope: scope, id: id, kind: r.kind, category: r.category, area: r.area)
            if let cache {
                cache.countReach(group, recipients: sign, people: sign * r.householdSize)
            } else {
                try group.counters(recipients: sign, people: sign * r.householdSize) { name, delta in
                    try add(store.totals, .total(name), delta, txn, batch)
                }
            }
        }
    }
}

/// What one event changes in its recipient's summary, gathered while its effects are applied.
private struct SummaryChange {
    var recipient: String?
    var summary = RecipientSummary()
    /// Donors and campaigns the recipient entered (or left) the reach of with this event.
    var crossed: [(scope: RecipientSummary.Scope, id: String)] = []

    /// Takes one of the effects on the recipient's summary; `load` gives the summary of the recipient it names.
    mutating func take(_ effect: consuming Effect, sign: Int64, load: (String) throws -> RecipientSummary) throws {
        switch consume effect {
        case .recipient(let id):
            recipient = id
            summary = try load(id)
        case .goods(let campaign, let donor, let item, let units, let value):
            summary.addGoods(campaign: campaign, donor: donor, item: item, units: units, value: value)
        case .grant(let campaign, let donor, let amount):
            summary.addCash(campaign: campaign, donor: donor, amount: amount)
        case .issued(let campaign, let item, let day, let at, let quantity):
            if sign > 0 { summary.addIssued(campaign: campaign, item: item, day: day, position: at, quantity: quantity) } else { summary.removeIssued(at: at) }
        case .counts(let issuances, let grants):
            summary.issuances += issuances
            summary.grants += grants
        case .reach(let scope, let id):
            let events = summary.reach(scope, id, sign)
            if (sign > 0 && events == 1) || (sign < 0 && events == 0) { crossed.append((scope, id)) }
        case .stock, .cash, .total, .touched:
            preconditionFailure("not an effect on a recipient's summary")
        }
    }
}
