import Crypto
import LMDBStore

/// The result of recomputing the hash chain.
public struct VerifyReport: Sendable {
    /// Records checked.
    public var count: UInt64
    /// The hash of the last good record.
    public var headHash: String
    /// The first position where the chain breaks, when it does.
    public var firstBadPosition: UInt64?
    /// What is wrong there, in words.
    public var problem: String?
    /// Signed checkpoints checked against the chain.
    public var checkpoints: Int = 0

    public var isIntact: Bool { firstBadPosition == nil }

    public var json: JSONValue {
        .object([
            ("intact", .bool(isIntact)), ("records", .int(count)), ("head_hash", .string(headHash)),
            ("first_bad_position", firstBadPosition.map { .int($0) } ?? .null), ("problem", .optional(problem)), ("checkpoints", .int(checkpoints)),
        ])
    }
}

extension Ledger {
    /// Recomputes the hash chain from the first record and compares it with every stored hash and
    /// with the ledger's recorded head, so a changed byte, a missing, swapped or cut-off record shows.
    public func verify() throws(LedgerError) -> VerifyReport {
        try read { txn in
            var previous = EventRecord.genesisHash
            var expected: UInt64 = 1
            var bad: (UInt64, String)?
            try txn.forEach(store.log) { key, value in
                let position = LedgerStore.readBE64(key)
                guard key.count == 8, position == expected else {
                    bad = (expected, position > expected ? "record #\(expected) is missing (the next one is #\(position))" : "a record key is out of order")
                    return false
                }
                guard value.count > EventRecord.hashSize else {
                    bad = (position, "record #\(position) is too short to hold a hash")
                    return false
                }
                let body = UnsafeRawBufferPointer(rebasing: value[..<(value.count - EventRecord.hashSize)])
                var h = SHA256()
                h.update(data: previous)
                h.update(bufferPointer: body)
                let digest = Array(h.finalize())
                guard digest.elementsEqual(value[(value.count - EventRecord.hashSize)...]) else {
                    bad = (position, "record #\(position) does not match its hash: it was changed, or one before it was")
                    return false
                }
                previous = digest
                expected += 1
                return true
            }
            let count = expected - 1
            if bad == nil {
                let head = try store.head(txn)
                if head.position != count || head.hash != previous {
                    bad = (min(head.position, count) + 1, "the log ends at #\(count) but the ledger last committed #\(head.position): records were removed or added outside the ledger")
                }
            }
            return VerifyReport(count: count, headHash: previous.hexString, firstBadPosition: bad?.0, problem: bad?.1)
        }
    }
}
