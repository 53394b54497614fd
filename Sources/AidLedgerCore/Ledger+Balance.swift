import LMDBStore

extension Ledger {
    /// As of `point`: the current state, or the log replayed up to that point.
    public func donorBalance(_ id: String, as point: AsOf = .head) throws(LedgerError) -> DonorBalance {
        try atPoint(point, of: .donor, id) { txn in try donorBalance(id, in: txn) }
    }

    func donorBalance(_ id: String, in txn: borrowing some KeyValueStore & ~Copyable) throws -> DonorBalance {
        let donor = try self.donor(txn, id)
        var items: [String: DonorBalance.ItemFlow] = [:]
        var cash: [String: Int64] = [:]
        var reach = Reach()
        try totals(txn, "donor", id) { parts, value in
            if parts.count == 2 && parts[0] == "cash" { cash[parts[1]] = value }
            if parts.first == "reached" { reach.read(parts.dropFirst(), value) }
            guard parts.count >= 3, parts[0] == "item" else { return }
            var flow = items[parts[1]] ?? DonorBalance.ItemFlow(item: parts[1])
            switch parts[2] {
            case "received_units": flow.receivedUnits = value
            case "received_value": flow.receivedValue = value
            case "issued_units": flow.issuedUnits = value
            case "issued_value": flow.issuedValue = value
            case "transferred_units": flow.transferredUnits = value
            case "adjusted_units": if parts.count == 4, let r = AdjustmentReason(rawValue: parts[3]) { flow.adjustedUnits[r] = value }
            case "adjusted_value": if parts.count == 4, let r = AdjustmentReason(rawValue: parts[3]) { flow.adjustedValue[r] = value }
            default: break
            }
            items[parts[1]] = flow
        }
        var flows = items.values.sorted { $0.item < $1.item }
        for i in flows.indices { try flows[i].settle() }
        // Where the rest lies: the stock on hand, lot by lot, of this donor's lots (in site and item order).
        var bySite: [DonorBalance.SiteStock] = []
        for s in try store.stockOnHand(txn) {
            let l = try lot(txn, s.lot)
            guard l.donor == id else { continue }
            func what() -> String { "the value of \(s.item) of \(id) on hand at \(s.site)" }  // made only for a refusal
            let value = try s.units.multiplied(by: l.valuePerUnit, describing: what())
            if let last = bySite.indices.last, bySite[last].site == s.site, bySite[last].item == s.item {
                try Int64.add(s.units, to: &bySite[last].units, describing: what())
                try Int64.add(value, to: &bySite[last].value, describing: what())
            } else {
                bySite.append(DonorBalance.SiteStock(site: s.site, item: s.item, units: s.units, value: value))
            }
        }
        return DonorBalance(
            donor: donor, items: flows, cashReceived: cash["received"] ?? 0, cashGranted: cash["granted"] ?? 0, reach: reach, onHandBySite: bySite)
    }

    /// As of `point`: the current state, or the log replayed up to that point.
    public func campaignBalance(_ id: String, as point: AsOf = .head) throws(LedgerError) -> CampaignBalance {
        try atPoint(point, of: .campaign, id) { txn in try campaignBalance(id, in: txn) }
    }

    func campaignBalance(_ id: String, in txn: borrowing some KeyValueStore & ~Copyable) throws -> CampaignBalance {
        let campaign = try self.campaign(txn, id)
        var figures: [String: Int64] = [:]
        var items: [String: (Int64, Int64)] = [:]
        var reach = Reach()
        try totals(txn, "campaign", id) { parts, value in
            if parts.first == "reached" {
                reach.read(parts.dropFirst(), value)
            } else if parts.count == 3, parts[0] == "item" {
                if parts[2] == "issued_units" { items[parts[1], default: (0, 0)].0 = value }
                if parts[2] == "issued_value" { items[parts[1], default: (0, 0)].1 = value }
            } else {
                figures[parts.joined(separator: "/")] = value
            }
        }
        let left = try Int64.sum(store.cash(txn, campaign: id).lazy.map(\.amount), describing: "the cash \(id) has left")
        return CampaignBalance(
            campaign: campaign, cashReceived: figures["cash/received"] ?? 0, cashGranted: figures["cash/granted"] ?? 0, cashLeft: left,
            grants: figures["grants"] ?? 0, issuances: figures["issuances"] ?? 0,
            items: items.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1) }, reach: reach)
    }

    /// A recipient's receipts and entitlements as of `today` (Kyiv) unless another day is given.
    public func recipientBalance(_ id: String, on day: BusinessDate? = nil, as point: AsOf = .head) throws(LedgerError) -> RecipientBalance {
        let today = day ?? BusinessDate.today()
        return try atPoint(point, of: .recipient, id) { txn in try recipientBalance(id, on: today, in: txn) }
    }

    func recipientBalance(_ id: String, on today: BusinessDate, in txn: borrowing some KeyValueStore & ~Copyable) throws -> RecipientBalance {
        let recipient = try self.recipient(txn, id)
        let summary = try store.summary(txn, id)
        // Entitlements of every campaign the recipient received from.
        var statuses: [RecipientBalance.EntitlementStatus] = []
        for campaignID in summary.campaigns {
            guard let campaign = try registrations.registered(txn, store, .campaign, campaignID, as: CampaignCreated.self) else { continue }
            for rule in campaign.rules {
                let limit = rule.limit(householdSize: recipient.householdSize)
                let check = Entitlement(limit: limit, periodDays: rule.periodDays, history: summary.history(campaign: campaignID, item: rule.item))
                let ok = check.allows(1, on: today)
                statuses.append(.init(
                    campaign: campaignID, rule: rule, limit: limit, receivedInPeriod: check.received(inPeriodEnding: today),
                    nextEligible: ok ? today : (check.nextDate(for: 1, after: today) ?? today), eligibleToday: ok))
            }
        }
        let days = summary.issuedDays
        return RecipientBalance(
            recipient: recipient, items: try summary.items(), cash: try summary.cash(), issuances: summary.issuances, grants: summary.grants,
            entitlements: statuses, byCampaign: summary.sharesByCampaign, byDonor: summary.sharesByDonor,
            cashByCampaign: summary.cashSharesByCampaign, cashByDonor: summary.cashSharesByDonor,
            firstIssuance: days?.first, lastIssuance: days?.last, profileChanges: try store.profileChanges(txn, id))
    }

    /// As of `point`: the current state, or the log replayed up to that point.
    public func siteBalance(_ id: String, as point: AsOf = .head) throws(LedgerError) -> SiteBalance {
        try atPoint(point, of: .site, id) { txn in try siteBalance(id, in: txn) }
    }

    func siteBalance(_ id: String, in txn: borrowing some KeyValueStore & ~Copyable) throws -> SiteBalance {
        let site = try self.site(txn, id)
        var entries: [SiteBalance.Entry] = []
        let prefix = LedgerStore.key(id) + [0]
        try txn.forEach(store.stock, prefix: prefix) { k, v in
            let rest = k.dropFirst(prefix.count)
            guard let zero = rest.firstIndex(of: 0) else { return true }
            let item = String(decoding: rest[..<zero], as: UTF8.self)
            let lotID = LedgerStore.readBE64(rest[(zero + 1)...])
            entries.append(try SiteBalance.Entry(item: item, lot: try lot(txn, lotID), quantity: Int64(bitPattern: LedgerStore.readBE64(v))))
            return true
        }
        return try SiteBalance(site: site, lots: entries)
    }

    /// The registrations of one kind ("donor", "site", "item" or "campaign") as their JSON fields.
    public func registered(_ kind: String) throws(LedgerError) -> [[(String, JSONValue)]] {
        guard let k = LedgerStore.Kind(rawValue: kind.first ?? " "), [.donor, .site, .item, .campaign].contains(k) else { return [] }
        return try read { txn in
            var out: [[(String, JSONValue)]] = []
            try txn.forEach(store.registry, prefix: Array(String(k.rawValue).utf8)) { _, v in
                let bytes = Array(v)
                let payload: any EventPayload = try ByteReader.reading(bytes, offset: 1) { r in
                    switch k {
                    case .donor: try DonorRegistered.decode(&r, version: bytes[0])
                    case .site: try SiteRegistered.decode(&r, version: bytes[0])
                    case .item: try ItemRegistered.decode(&r, version: bytes[0])
                    default: try CampaignCreated.decode(&r, version: bytes[0])
                    }
                }
                out.append(payload.json)
                return true
            }
            return out
        }
    }

    /// The registered ids of one kind ("donor", "site", "item", "campaign" or "recipient") at `point`.
    public func ids(of kind: String, as point: AsOf = .head) throws(LedgerError) -> [String] {
        guard let k = LedgerStore.Kind(rawValue: kind.first ?? " "), [.donor, .site, .item, .campaign, .recipient].contains(k) else { return [] }
        return try atPoint(point) { txn in
            var out: [String] = []
            let prefix = Array(String(k.rawValue).utf8)
            try txn.forEach(store.registry, prefix: prefix) { key, _ in
                out.append(String(decoding: key.dropFirst(prefix.count), as: UTF8.self))
                return true
            }
            return out
        }
    }

    /// Visits the counters of one entity with their name parts after the entity's id.
    private func totals(_ txn: borrowing some KeyValueStore & ~Copyable, _ kind: String, _ id: String, _ body: ([String], Int64) -> Void) throws {
        let prefix = LedgerStore.key(kind, id) + [0]
        try txn.forEach(store.totals, prefix: prefix) { k, v in
            let parts = k.dropFirst(prefix.count).split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            body(parts, Int64(bitPattern: LedgerStore.readBE64(v)))
            return true
        }
    }
}

extension Ledger {
    /// The recipient registered with this document, found through its keyed hash.
    public func recipient(holding type: DocumentType, _ number: String) throws(LedgerError) -> String? {
        let hash = secret.documentHash(type, number)
        return try read { txn in try txn.get(store.documents, LedgerStore.documentKey(hash)).map { String(decoding: $0, as: UTF8.self) } }
    }
}
