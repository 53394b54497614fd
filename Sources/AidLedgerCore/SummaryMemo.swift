import LMDBStore

/// The recipient summary the writer decoded last, with the bytes it came from. An issuance reads its recipient's
/// summary twice, for the entitlement check and to record what it gave; the second read finds the same bytes and
/// skips decoding them (a tenth of an issuance). Used only while the stored bytes are the same, so it can never
/// return a summary the reading transaction does not hold.
final class SummaryMemo: Sendable {
    private let last = Locked<(id: String, bytes: [UInt8], summary: RecipientSummary)?>(nil)

    /// The recipient's summary as `txn` holds it (empty before their first receipt).
    func summary(_ txn: borrowing some KeyValueStore & ~Copyable, _ store: LedgerStore, _ id: String) throws -> RecipientSummary {
        guard let bytes = try txn.get(store.recipients, Array(id.utf8)) else { return RecipientSummary() }
        if let memo = last.withLock({ $0 }), memo.id == id,
            KeyOrder.same(memo.bytes, bytes)
        {
            return memo.summary
        }
        let summary = try RecipientSummary(decoding: bytes)
        last.withLock { $0 = (id, bytes, summary) }
        return summary
    }

    /// Writes the recipient's summary and remembers it.
    func setSummary(_ txn: borrowing some KeyValueStore & ~Copyable, _ store: LedgerStore, _ id: String, _ summary: RecipientSummary) throws {
        let bytes = try store.setSummary(txn, id, summary)
        last.withLock { $0 = bytes.map { (id, $0, summary) } }
    }
}
