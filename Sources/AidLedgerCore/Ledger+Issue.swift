import LMDBStore

extension Ledger {
    /// Checks an issuance: the recipient, the campaign and its dates, each item's entitlement, the stock;
    /// and chooses the lots it draws from.
    func decideIssue(
        _ command: Command, site: String, recipient recipientID: String, campaign campaignID: String,
        lines: [(item: String, quantity: Int64)], overrideReason: String?, date: BusinessDate, in txn: borrowing some KeyValueStore & ~Copyable
    ) throws -> GoodsIssued {
        _ = try self.site(txn, site)
        // The kind and household size are all the checks read: the documents and sealed data after them stay undecoded.
        let recipient = try recipientAttributes(txn, recipientID)
        let campaign = try self.campaign(txn, campaignID)
        try requireDate(date, in: campaign)
        try checkVersion(command, txn, .recipient, recipientID)
        var out: [GoodsIssued.Line] = []
        let summary = try summaries.summary(txn, store, recipientID)
        for (itemID, quantity) in lines {
            let item = try self.item(txn, itemID)
            guard campaign.items.contains(itemID) else {
                throw LedgerError(.itemNotInCampaign, "campaign \(campaignID) does not give \(item.name) (\(itemID)); it gives \(campaign.items.joined(separator: ", "))")
            }
            var decision: EntitlementDecision?
            if let rule = campaign.rules.first(where: { $0.item == itemID }) {
                decision = try entitlement(
                    rule, recipient: recipient, history: summary.history(campaign: campaignID, item: itemID), campaign: campaignID, item: item,
                    quantity: quantity, date: date, overrideReason: overrideReason)
            }
            let draws = try allocate(txn, site: site, item: item, quantity: quantity, campaign: campaignID, for: recipient.category, on: date)
            out.append(GoodsIssued.Line(item: itemID, quantity: quantity, draws: draws, entitlement: decision))
        }
        return GoodsIssued(recipient: recipientID, campaign: campaignID, lines: out, overrideReason: overrideReason)
    }

    /// Applies an entitlement rule, refusing (unless overridden with a reason) and saying when the
    /// recipient may receive again.
    private func entitlement(
        _ rule: EntitlementRule, recipient: RecipientRegistered.Attributes, history: [(day: BusinessDate, quantity: Int64)], campaign: String,
        item: ItemRegistered, quantity: Int64, date: BusinessDate, overrideReason: String?
    ) throws -> EntitlementDecision {
        let limit = rule.limit(householdSize: recipient.householdSize)
        var check = Entitlement(limit: limit, periodDays: rule.periodDays, history: history)
        let received = check.received(inPeriodEnding: date)
        let allowed = check.allows(quantity, on: date)
        if !allowed && overrideReason == nil {
            let who = recipient.kind == .household ? "Household \(recipient.id)" : "Recipient \(recipient.id)"
            let per = rule.scope == .person ? "per person (\(limit) for \(recipient.householdSize) people)" : "per household"
            let when = check.nextDate(for: quantity, after: date).map { "may receive \(quantity) again on \($0)" } ?? "may never receive \(quantity) at once under this rule"
            throw LedgerError(.entitlementExceeded, "\(who) already received \(received) × \(item.name) in the last \(rule.periodDays) days under campaign \(campaign); the rule allows \(rule.quantity) \(per) every \(rule.periodDays) days. It \(when). A supervisor may override with a reason.")
        }
        check.history.append((date, quantity))
        let next = check.nextDate(for: 1, after: date) ?? date.adding(days: Int(rule.periodDays))
        return EntitlementDecision(rule: rule, limit: limit, alreadyReceived: received, overridden: !allowed, nextEligible: next)
    }

    /// Chooses the lots `quantity` units are drawn from at `site`.
    ///
    /// Under a campaign: lots earmarked for it first, then lots without an earmark; lots earmarked for
    /// other campaigns never; expired lots never. For a recipient of `category`: lots earmarked for their group
    /// before the others (after the campaign's own), lots earmarked for another group never. Among those, the
    /// earliest expiry first, then the oldest. Without a campaign (transfers, write-offs) every lot may be drawn, in
    /// the same order.
    func allocate(
        _ txn: borrowing some KeyValueStore & ~Copyable, site: String, item: ItemRegistered, quantity: Int64, campaign: String?,
        for category: RecipientCategory? = nil, on date: BusinessDate?
    ) throws -> [Draw] {
        var candidates: [(lot: Lot, available: Int64)] = []
        var expired: Int64 = 0
        var elsewhere: Int64 = 0
        var otherGroups: Int64 = 0
        for (lotID, available) in try store.stock(txn, site: site, item: item.item) where available > 0 {
            guard let lot = try store.lot(txn, lotID) else { throw LedgerError(.corruptRecord, "lot #\(lotID) is missing from the projections; run aidledger verify") }
            if let campaign, let earmark = lot.campaign, earmark != campaign {
                elsewhere += available
                continue
            }
            if let category, let group = lot.forCategory, group != category {
                otherGroups += available
                continue
            }
            if let date, let expires = lot.expires, expires < date {
                expired += available
                continue
            }
            candidates.append((lot, available))
        }
        candidates.sort { a, b in
            let aMine = campaign != nil && a.lot.campaign == campaign
            let bMine = campaign != nil && b.lot.campaign == campaign
            if aMine != bMine { return aMine }
            let aGroup = category != nil && a.lot.forCategory == category
            let bGroup = category != nil && b.lot.forCategory == category
            if aGroup != bGroup { return aGroup }
            switch (a.lot.expires, b.lot.expires) {
            case (let x?, let y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.lot.id < b.lot.id
            }
        }
        var draws: [Draw] = []
        var left = quantity
        for (lot, available) in candidates where left > 0 {
            let take = min(available, left)
            draws.append(Draw(lot: lot.id, amount: take))
            left -= take
        }
        guard left == 0 else {
            let have = quantity - left
            var message = "site \(site) has \(have) × \(item.name) (\(item.item))"
            if let campaign { message += " for campaign \(campaign)" }
            message += "; \(quantity) asked: \(left) short"
            var notes: [String] = []
            if expired > 0 { notes.append("\(expired) more have expired") }
            if elsewhere > 0 { notes.append("\(elsewhere) more are earmarked for other campaigns") }
            if otherGroups > 0 { notes.append("\(otherGroups) more are earmarked for another group of recipients") }
            if !notes.isEmpty { message += " (" + notes.joined(separator: ", ") + ")" }
            throw LedgerError(.insufficientStock, message)
        }
        return draws
    }
}
