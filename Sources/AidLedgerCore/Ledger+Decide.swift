import LMDBStore

/// An event decided but not yet appended, with the site it happened at ("" for none).
typealias PendingEvent = (site: String, event: Event)

extension Ledger {
    /// Checks a command against the ledger's state and decides the events it appends.
    /// Reads only; everything it decides (lots drawn, entitlement outcomes) goes into the events.
    func decide(_ command: Command, date: BusinessDate, in txn: borrowing some KeyValueStore & ~Copyable) throws -> [PendingEvent] {
        switch command.action {
        case .registerDonor(let p):
            try requireNew(txn, .donor, p.donor, "donor")
            return [("", .donorRegistered(p))]
        case .registerSite(let p):
            try requireNew(txn, .site, p.site, "site")
            return [(p.site, .siteRegistered(p))]
        case .registerItem(let p):
            try requireNew(txn, .item, p.item, "item")
            return [("", .itemRegistered(p))]
        case .createCampaign(let p):
            try requireNew(txn, .campaign, p.campaign, "campaign")
            try requireValid(p, in: txn)
            return [("", .campaignCreated(p))]
        case .updateCampaign(let id, let ends, let donors, let items, let rules, let removedDonors, let removedItems):
            let current = try campaign(txn, id)
            try requireRemovable(removedDonors, removedItems, from: current, rules: rules ?? current.rules, in: txn)
            let change = CampaignUpdated(
                campaign: id, ends: ends ?? current.ends, addedDonors: Ledger.distinct(donors, besides: current.donors),
                addedItems: Ledger.distinct(items, besides: current.items), rules: rules,
                removedDonors: Ledger.distinct(removedDonors), removedItems: Ledger.distinct(removedItems))
            // The campaign as it would stand is checked as a new one is.
            let after = change.applied(to: current)
            try requireValid(after, in: txn)
            guard after.ends >= after.starts else {
                throw LedgerError(.invalidDate, "campaign \(id) starts on \(after.starts); its last day cannot be \(after.ends)")
            }
            guard after != current else {
                throw LedgerError(.alreadyExists, "campaign \(id) already has what was asked (its donors, items, rules and last day): nothing to record")
            }
            try checkVersion(command, txn, .campaign, id)
            return [("", .campaignUpdated(change))]
        case .registerRecipient(var p, let documents, let personal):
            try requireNew(txn, .recipient, p.recipient, "recipient")
            p.documents = try documentHashes(documents, in: txn)
            if let personal { p.personal = try seal(personal, for: p.recipient, newKey: true) }
            return [("", .recipientRegistered(p))]
        case .updateRecipient(let id, let documents, let personal, let edit):
            let current = try recipient(txn, id)
            try requireNotErased(id, in: txn)
            try checkVersion(command, txn, .recipient, id)
            let profile = try profileChange(of: current, edit)
            if personal == nil && documents.isEmpty && profile == nil {
                throw LedgerError(.alreadyExists, "recipient \(id) is already a \(RecipientProfile(current).description): nothing to record")
            }
            let added = try documentHashes(documents, in: txn).filter { !current.documents.contains($0) }
            let sealed = try personal.map { change in
                try seal(change.applied(to: try current.personal.map { try opened($0, of: id) }), for: id, newKey: current.personal == nil)
            }
            return [("", .recipientUpdated(RecipientUpdated(recipient: id, personal: sealed, addedDocuments: added, profile: profile)))]
        case .eraseRecipient(let id, let reason):
            _ = try recipient(txn, id)
            try requireNotErased(id, in: txn)
            // The key goes first: if the batch then failed, the data would be unreadable already, which is what was asked.
            try keys.destroyKey(for: id)
            // Replays kept for earlier points hold the documents index as it was then: they go too.
            ReplayedState.forgetKept(in: directory)
            pastStates.withLock { $0 = [:] }
            return [("", .recipientErased(RecipientErased(recipient: id, reason: reason)))]
        case .receiveGoods(let site, var p, let valueGiven):
            _ = try self.site(txn, site)
            _ = try donor(txn, p.donor)
            let item = try item(txn, p.item)
            if !valueGiven { p.valuePerUnit = item.valuePerUnit }
            if let c = p.campaign {
                let campaign = try campaign(txn, c)
                guard campaign.donors.contains(p.donor) else { throw Ledger.notFunding(p.donor, campaign, "goods earmarked for it") }
                guard campaign.items.contains(p.item) else {
                    throw LedgerError(.itemNotInCampaign, "campaign \(c) does not give \(item.name) (\(p.item))")
                }
            }
            _ = try p.quantity.multiplied(by: p.valuePerUnit, describing: "the value of \(p.quantity) × \(item.name)")
            try checkVersion(command, txn, .site, site)
            return [(site, .goodsReceived(p))]
        case .receiveCash(let p):
            _ = try donor(txn, p.donor)
            let campaign = try campaign(txn, p.campaign)
            guard campaign.donors.contains(p.donor) else { throw Ledger.notFunding(p.donor, campaign, "its cash") }
            try checkVersion(command, txn, .campaign, p.campaign)
            return [("", .cashReceived(p))]
        case .issue(let site, let recipient, let campaign, let lines, let overrideReason):
            return [(site, .goodsIssued(try decideIssue(command, site: site, recipient: recipient, campaign: campaign, lines: lines, overrideReason: overrideReason, date: date, in: txn)))]
        case .grant(let recipient, let campaignID, let amount, let channel, let reference):
            _ = try self.recipient(txn, recipient)
            let campaign = try self.campaign(txn, campaignID)
            try requireDate(date, in: campaign)
            try checkVersion(command, txn, .recipient, recipient)
            var draws: [Draw] = []
            var left = amount
            for (lot, available) in try store.cash(txn, campaign: campaignID) where left > 0 {
                let take = min(available, left)
                draws.append(Draw(lot: lot, amount: take))
                left -= take
            }
            guard left == 0 else {
                throw LedgerError(.insufficientCash, "campaign \(campaignID) has \(Kopecks.format(amount - left)) UAH left to grant; \(Kopecks.format(amount)) UAH were asked: \(Kopecks.format(left)) UAH short")
            }
            return [("", .cashGranted(CashGranted(recipient: recipient, campaign: campaignID, amount: amount, channel: channel, reference: reference, draws: draws)))]
        case .transfer(let from, let to, let itemID, let quantity):
            guard from != to else { throw LedgerError(.sameSite, "a transfer needs two different sites; both are \(from)") }
            _ = try site(txn, from)
            _ = try site(txn, to)
            let item = try item(txn, itemID)
            try checkVersion(command, txn, .site, from)
            let draws = try allocate(txn, site: from, item: item, quantity: quantity, campaign: nil, on: nil)
            return [(from, .stockTransferred(StockTransferred(toSite: to, item: itemID, quantity: quantity, draws: draws)))]
        case .adjust(let site, let itemID, let delta, let reason, let note, let lotID):
            _ = try self.site(txn, site)
            let item = try item(txn, itemID)
            try checkVersion(command, txn, .site, site)
            var draws: [Draw]
            if let lotID {
                guard let lot = try store.lot(txn, lotID), lot.kind == .goods, lot.item == itemID else {
                    throw LedgerError(.unknownLot, "there is no lot #\(lotID) of \(item.name); a lot is named by the position of its intake")
                }
                if delta < 0 {
                    let held = try store.int64(txn, store.stock, LedgerStore.stockKey(site: site, item: itemID, lot: lot.id))
                    guard held >= -delta else {
                        throw LedgerError(.insufficientStock, "lot #\(lotID) at \(site) holds \(held) × \(item.name); \(-delta) cannot be removed: \(-delta - held) short")
                    }
                }
                draws = [Draw(lot: lotID, amount: delta)]
            } else {
                guard delta < 0 else {
                    throw LedgerError(.missingField, "say which lot the \(delta) × \(item.name) belong to (lot: the position of its intake), so its donor stays known")
                }
                draws = try allocate(txn, site: site, item: item, quantity: -delta, campaign: nil, on: nil).map { Draw(lot: $0.lot, amount: -$0.amount) }
            }
            return [(site, .stockAdjusted(StockAdjusted(item: itemID, delta: delta, reason: reason, note: note, draws: draws)))]
        case .void(let target, let reason):
            return [try decideVoid(target: target, reason: reason, in: txn)]
        }
    }

    /// Keyed hashes of the documents, refusing one already registered (naming its holder) or given twice.
    func documentHashes(_ documents: [(DocumentType, String)], in txn: borrowing some KeyValueStore & ~Copyable) throws -> [DocumentHash] {
        var out: [DocumentHash] = []
        for (type, number) in documents {
            let hash = secret.documentHash(type, number)
            if let owner = try txn.get(store.documents, LedgerStore.documentKey(hash)) {
                throw LedgerError(.duplicateDocument, "this \(type.rawValue.replacingOccurrences(of: "_", with: " ")) is already registered to recipient \(String(decoding: owner, as: UTF8.self)); serve that recipient instead of registering again")
            }
            guard !out.contains(where: { $0.hash == hash }) else { throw LedgerError(.invalidField, "the same \(type.rawValue) is given twice") }
            out.append(DocumentHash(type: type, hash: hash))
        }
        return out
    }

    /// The recipient's sealed personal data, opened with their data key.
    /// - Throws: `recipient_erased` when the key is gone; `key_missing` when this key store cannot open it.
    func opened(_ sealed: [UInt8], of recipient: String) throws(LedgerError) -> PersonalData {
        do {
            guard let key = try keys.dataKey(for: recipient) else { throw LedgerError(.recipientErased, "recipient \(recipient)'s data key is gone") }
            return try PersonalSeal.open(sealed, recipient: recipient, key: key)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError(.keyMissing, "recipient \(recipient)'s personal data cannot be opened with this key store")
        }
    }

    /// Seals personal data under the recipient's data key (a new one for a new recipient).
    func seal(_ personal: PersonalData, for recipient: String, newKey: Bool) throws -> [UInt8] {
        let key = newKey ? try keys.newDataKey(for: recipient) : try keys.dataKey(for: recipient) ?? keys.newDataKey(for: recipient)
        return try PersonalSeal.seal(personal, recipient: recipient, key: key)
    }

    func requireNotErased(_ id: String, in txn: borrowing some KeyValueStore & ~Copyable) throws {
        if try txn.get(store.registry, LedgerStore.Kind.erased.key(id)) != nil {
            throw LedgerError(.recipientErased, "recipient \(id)'s personal data was erased; register the person anew if they come back")
        }
    }

    // MARK: Look-ups that name what is missing

    /// Refuses a campaign naming a donor or item the ledger does not know, or a rule for an item it does not give.
    private func requireValid(_ c: CampaignCreated, in txn: borrowing some KeyValueStore & ~Copyable) throws {
        for d in c.donors { _ = try donor(txn, d) }
        for i in c.items { _ = try item(txn, i) }
        for rule in c.rules where !c.items.contains(rule.item) {
            throw LedgerError(.itemNotInCampaign, "the rule for \(rule.item) names an item the campaign does not give; add it with item \(rule.item)")
        }
    }

    /// A campaign stops taking from a donor it names, or giving an item it gives that no rule from now on names and
    /// of which no stock earmarked for it is left (it could no longer be issued).
    private func requireRemovable(
        _ donors: [String], _ items: [String], from c: CampaignCreated, rules: [EntitlementRule], in txn: borrowing some KeyValueStore & ~Copyable
    ) throws {
        for d in donors where !c.donors.contains(d) {
            throw LedgerError(.donorNotInCampaign, "donor \(Identifier.printable(d)) does not fund campaign \(c.campaign): there is nothing to remove")
        }
        for i in items {
            guard c.items.contains(i) else {
                throw LedgerError(.itemNotInCampaign, "campaign \(c.campaign) does not give \(Identifier.printable(i)): there is nothing to remove")
            }
            if let rule = rules.first(where: { $0.item == i }) {
                throw LedgerError(.itemNotInCampaign, "campaign \(c.campaign) has the rule \(rule) for \(i): give the rules from now on without it to stop giving \(i)")
            }
            let left = try earmarkedOnHand(i, for: c.campaign, in: txn)
            guard left.isEmpty else {
                let total = left.reduce(0) { $0 + $1.units }
                let sites = left.map { "\($0.site): \($0.units)" }.joined(separator: ", ")
                throw LedgerError(.earmarkedStockLeft, "\(total) × \(i) earmarked for campaign \(c.campaign) are still on hand (\(sites)); issue, transfer or write them off before it stops giving \(i)")
            }
        }
    }

    /// Units of `item` earmarked for `campaign` on hand, by site (those with any).
    private func earmarkedOnHand(_ item: String, for campaign: String, in txn: borrowing some KeyValueStore & ~Copyable) throws -> [(site: String, units: Int64)] {
        var out: [(site: String, units: Int64)] = []
        for h in try store.stockOnHand(txn) where h.item == item {
            guard try store.lot(txn, h.lot)?.campaign == campaign else { continue }
            if let i = out.firstIndex(where: { $0.site == h.site }) { out[i].units += h.units } else { out.append((h.site, h.units)) }
        }
        return out
    }

    /// The ids of `given` that `held` does not hold, each once, in the order given.
    static func distinct(_ given: [String], besides held: [String] = []) -> [String] {
        var out: [String] = []
        for id in given where !held.contains(id) && !out.contains(id) { out.append(id) }
        return out
    }

    /// A donor the campaign does not name gives it neither cash nor earmarked goods: names the donors it does name.
    static func notFunding(_ donor: String, _ campaign: CampaignCreated, _ what: String) -> LedgerError {
        let from = campaign.donors.isEmpty
            ? "the campaign names no donors, so it takes neither cash nor earmarked goods (goods without an earmark can still be issued under it)"
            : "\(what) must come from \(campaign.donors.joined(separator: ", "))"
        return LedgerError(.donorNotInCampaign, "donor \(donor) does not fund campaign \(campaign.campaign); \(from)")
    }

    func requireNew(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: LedgerStore.Kind, _ id: String, _ noun: String) throws {
        if try txn.get(store.registry, kind.key(id)) != nil {
            throw LedgerError(.alreadyExists, "a \(noun) with id \(id) is already registered")
        }
    }

    func donor(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> DonorRegistered {
        try registered(txn, .donor, id, .unknownDonor, "there is no donor \(Identifier.printable(id)); add it first with `aidledger donor add`")
    }

    func site(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> SiteRegistered {
        try registered(txn, .site, id, .unknownSite, "there is no site \(Identifier.printable(id)); add it first with `aidledger site add`")
    }

    func item(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> ItemRegistered {
        try registered(txn, .item, id, .unknownItem, "there is no item \(Identifier.printable(id)) in the catalogue; add it first with `aidledger item add`")
    }

    func campaign(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> CampaignCreated {
        try registered(txn, .campaign, id, .unknownCampaign, "there is no campaign \(Identifier.printable(id)); add it first with `aidledger campaign add`")
    }

    func recipient(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> RecipientRegistered {
        try registered(txn, .recipient, id, .unknownRecipient, Ledger.noRecipient(id))
    }

    /// The first fields of a recipient's registration (see `RecipientRegistered.Attributes`).
    func recipientAttributes(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: String) throws -> RecipientRegistered.Attributes {
        guard let attributes = try store.recipientAttributes(txn, id) else { throw LedgerError(.unknownRecipient, Ledger.noRecipient(id)) }
        return attributes
    }

    /// The change of a recipient's profile that `edit` asks for, or nil when it changes nothing. An individual stays
    /// one person.
    private func profileChange(of current: RecipientRegistered, _ edit: RecipientProfile.Edit) throws -> RecipientProfile.Change? {
        let before = RecipientProfile(current)
        let after = edit.applied(to: before)
        if current.kind == .individual && after.householdSize != 1 { throw Command.individualSize(after.householdSize) }
        return after == before ? nil : RecipientProfile.Change(before: before, after: after)
    }

    private static func noRecipient(_ id: String) -> String { "there is no recipient \(Identifier.printable(id)); register them first with `aidledger recipient register`" }

    /// A registration, or the rejection that names what is missing and how to add it.
    private func registered<P: EventPayload>(
        _ txn: borrowing some KeyValueStore & ~Copyable, _ kind: LedgerStore.Kind, _ id: String, _ code: LedgerError.Code, _ missing: @autoclosure () -> String
    ) throws -> P {
        guard let payload = try registrations.registered(txn, store, kind, id, as: P.self) else { throw LedgerError(code, missing()) }
        return payload
    }

    func requireDate(_ date: BusinessDate, in campaign: CampaignCreated) throws {
        guard date >= campaign.starts && date <= campaign.ends else {
            throw LedgerError(.dateOutsideCampaign, "campaign \(campaign.campaign) runs from \(campaign.starts) to \(campaign.ends); \(date) is outside it")
        }
    }

    /// Rejects the command when it expected another version of the entity than the current one.
    func checkVersion(_ command: Command, _ txn: borrowing some KeyValueStore & ~Copyable, _ kind: LedgerStore.Kind, _ id: String) throws {
        guard let expected = command.expectedVersion else { return }
        let current = try store.version(txn, kind, id)
        guard current == expected else {
            throw LedgerError(.versionConflict, "\(id) changed since you looked (you expected version \(expected), it is now \(current)); reload and try again")
        }
    }
}
