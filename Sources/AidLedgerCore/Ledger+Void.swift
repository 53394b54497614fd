import LMDBStore

extension Ledger {
    /// Checks that an event may be voided: it exists, may be reversed, was not voided before, and
    /// reversing it leaves no stock or cash below zero.
    func decideVoid(target: UInt64, reason: String, in txn: borrowing some KeyValueStore & ~Copyable) throws -> PendingEvent {
        guard let record = try store.record(txn, at: target) else {
            let head = try store.head(txn).position
            throw LedgerError(.unknownEvent, "there is no event #\(target); the log ends at #\(head)")
        }
        let type = record.event.type
        guard type.isVoidable else {
            throw LedgerError(.notVoidable, "event #\(target) (\(type.name)) cannot be voided; only intakes, issuances, grants, transfers and adjustments can")
        }
        if let by = try txn.get(store.voids, LedgerStore.be64(target)) {
            throw LedgerError(.alreadyVoided, "event #\(target) was already voided by #\(LedgerStore.readBE64(by))")
        }
        try Effect.visit(record, sign: -1, lot: { try lot(txn, $0) }) { effect in
            switch effect {
            case .stock(let site, let item, let lot, let delta) where delta < 0:
                let held = try store.int64(txn, store.stock, LedgerStore.stockKey(site: site, item: item, lot: lot))
                guard held >= -delta else {
                    throw LedgerError(.insufficientStock, "voiding #\(target) would take \(-delta) × \(item) of lot #\(lot) from \(site), which holds \(held): \(-delta - held) short; void the later events that used them first")
                }
            case .cash(let campaign, let lot, let delta) where delta < 0:
                let left = try store.int64(txn, store.cash, LedgerStore.cashKey(campaign: campaign, lot: lot))
                guard left >= -delta else {
                    throw LedgerError(.insufficientCash, "voiding #\(target) would take \(Kopecks.format(-delta)) UAH from campaign \(campaign), which has \(Kopecks.format(left)) UAH of it left; void the grants paid from it first")
                }
            default: break
            }
        }
        return (record.site, .eventVoided(EventVoided(target: target, targetType: type, reason: reason)))
    }

    /// The lot `id`, or a corruption error: every draw must name a lot the projections hold.
    func lot(_ txn: borrowing some KeyValueStore & ~Copyable, _ id: UInt64) throws -> Lot {
        guard let lot = try store.lot(txn, id) else { throw LedgerError(.corruptRecord, "lot #\(id) is missing from the projections; run aidledger verify") }
        return lot
    }
}
