import COpenSSL
import Glibc
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
    /// Reads `replayChunk` positions per read transaction, so a long verification holds no snapshot while the server
    /// writes; the last transaction compares the end of the log with the head it records.
    public func verify() throws(LedgerError) -> VerifyReport {
        var previous = SHA256Digest.zero
        var expected: UInt64 = 1
        var bad: (UInt64, String)?
        var finished = false
        while !finished {
            try read { txn in
                let window = expected + UInt64(replayChunk)
                finished = true
                // The first window starts before any key, so a key that is not a position shows wherever it sorts.
                try txn.forEach(store.log, from: expected == 1 ? nil : LedgerStore.be64(expected)) { key, value in
                    guard key.count == 8 else {
                        bad = (expected, "a record key is not a position")
                        return false
                    }
                    guard expected < window else {
                        finished = false
                        return false
                    }
                    let position = UInt64(bigEndian: key.loadUnaligned(as: UInt64.self))
                    guard position == expected else {
                        bad = (expected, position > expected ? "record #\(expected) is missing (the next one is #\(position))" : "a record key is out of order")
                        return false
                    }
                    guard value.count > EventRecord.hashSize else {
                        bad = (position, "record #\(position) is too short to hold a hash")
                        return false
                    }
                    // Hash in place over LMDB's bytes with libcrypto: no copies, no allocations per record.
                    let split = value.count - EventRecord.hashSize
                    let digest = SHA256Digest(previous: previous, body: UnsafeRawBufferPointer(rebasing: value[..<split]))
                    guard digest.matches(UnsafeRawBufferPointer(rebasing: value[split...])) else {
                        bad = (position, "record #\(position) does not match its hash: it was changed, or one before it was")
                        return false
                    }
                    previous = digest
                    expected += 1
                    return true
                }
                guard finished, bad == nil else { return }
                let head = try store.head(txn)
                let count = expected - 1
                if head.position != count || head.hash != previous.array {
                    bad = (min(head.position, count) + 1, "the log ends at #\(count) but the ledger last committed #\(head.position): records were removed or added outside the ledger")
                }
            }
            if bad != nil { finished = true }
        }
        return VerifyReport(count: expected - 1, headHash: previous.array.hexString, firstBadPosition: bad?.0, problem: bad?.1)
    }
}

/// A SHA-256 digest held inline (four words), so the verify loop allocates nothing.
struct SHA256Digest {
    var bytes: (UInt64, UInt64, UInt64, UInt64)

    static let zero = SHA256Digest(bytes: (0, 0, 0, 0))

    init(bytes: (UInt64, UInt64, UInt64, UInt64)) { self.bytes = bytes }

    /// SHA-256(previous ‖ body), the chain's step.
    init(previous: SHA256Digest, body: UnsafeRawBufferPointer) {
        var context = SHA256_CTX()
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        SHA256_Init(&context)
        withUnsafeBytes(of: previous.bytes) { _ = SHA256_Update(&context, $0.baseAddress, 32) }
        _ = SHA256_Update(&context, body.baseAddress, body.count)
        withUnsafeMutableBytes(of: &out) { _ = SHA256_Final($0.baseAddress!.assumingMemoryBound(to: UInt8.self), &context) }
        bytes = out
    }

    func matches(_ other: UnsafeRawBufferPointer) -> Bool {
        guard other.count == 32 else { return false }
        return withUnsafeBytes(of: bytes) { memcmp($0.baseAddress!, other.baseAddress!, 32) == 0 }
    }

    var array: [UInt8] { withUnsafeBytes(of: bytes) { Array($0) } }
}
