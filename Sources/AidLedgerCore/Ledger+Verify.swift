import COpenSSL
import Dispatch
import Foundation
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
    ///
    /// Each record's hash is SHA-256 of the hash stored before it and its own bytes, so the chain can be checked in
    /// parts side by side: a part starts from the hash stored just before it. Every record passing means the whole
    /// chain recomputes from the start to the stored hashes; the first record that fails is the same one a check from
    /// the start would stop at (before it, computed and stored hashes agree). Up to one part per core, each of at
    /// least `replayChunk` records, up to the head the verification began at; then whatever was appended since, and
    /// the head, in one run. Reads `replayChunk` positions per read transaction, so a long verification holds no
    /// snapshot while the server writes.
    public func verify() throws(LedgerError) -> VerifyReport {
        let head = try read { txn in try store.head(txn).position }
        let cores = UInt64(max(1, ProcessInfo.processInfo.activeProcessorCount))
        let count = min(cores, head / UInt64(replayChunk))
        var from: UInt64 = 1
        var previous = SHA256Digest.zero
        if count >= 2 {
            let size = head / count
            let parts = (0..<count).map { i in (first: 1 + i * size, last: i == count - 1 ? head : (i + 1) * size) }
            let runs = Locked([ChainRun?](repeating: nil, count: parts.count))
            let failure = Locked<LedgerError?>(nil)
            DispatchQueue.concurrentPerform(iterations: parts.count) { i in
                do {
                    let (first, last) = parts[i]
                    let run = try chain(from: first, through: last, previous: first == 1 ? .zero : storedHash(before: first))
                    runs.withLock { $0[i] = run }
                } catch let error as LedgerError {
                    failure.withLock { $0 = $0 ?? error }
                } catch {
                    failure.withLock { $0 = $0 ?? LedgerError(.storage, "\(error)") }
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            let done = runs.withLock { $0.map { $0! } }
            if let bad = done.filter({ $0.bad != nil }).min(by: { $0.bad!.0 < $1.bad!.0 }) { return bad.report }
            // The log may end before the head it records: the run goes on from the first part that stopped short.
            let stop = zip(done, parts).first { $0.0.next <= $0.1.last }?.0 ?? done[done.count - 1]
            (from, previous) = (stop.next, stop.previous)
        }
        return try chain(from: from, through: nil, previous: previous).report
    }

    /// The hash stored in the record before `position` (zero when there is none: the part before reports that).
    private func storedHash(before position: UInt64) throws(LedgerError) -> SHA256Digest {
        try read { txn in
            guard let value = try txn.get(store.log, LedgerStore.be64(position - 1)), value.count > EventRecord.hashSize else { return .zero }
            return value.suffix(EventRecord.hashSize).withUnsafeBytes { SHA256Digest($0) }
        }
    }

    /// Where a run of the chain's check stopped.
    private struct ChainRun {
        /// The position it would check next.
        var next: UInt64
        /// The hash of the record before `next`.
        var previous: SHA256Digest
        var bad: (UInt64, String)?

        var report: VerifyReport {
            VerifyReport(count: next - 1, headHash: previous.array.hexString, firstBadPosition: bad?.0, problem: bad?.1)
        }
    }

    /// Checks the records from `first` through `last` (to the end of the log, and then the head, when nil).
    private func chain(from first: UInt64, through last: UInt64?, previous start: SHA256Digest) throws(LedgerError) -> ChainRun {
        var previous = start
        var expected = first
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
                    if let last, expected > last { return false }
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
                guard finished, bad == nil, last == nil else { return }
                let head = try store.head(txn)
                let count = expected - 1
                if head.position != count || head.hash != previous.array {
                    bad = (min(head.position, count) + 1, "the log ends at #\(count) but the ledger last committed #\(head.position): records were removed or added outside the ledger")
                }
            }
            if bad != nil { finished = true }
        }
        return ChainRun(next: expected, previous: previous, bad: bad)
    }
}

/// A SHA-256 digest held inline (four words), so the verify loop allocates nothing.
struct SHA256Digest {
    var bytes: (UInt64, UInt64, UInt64, UInt64)

    static let zero = SHA256Digest(bytes: (0, 0, 0, 0))

    init(bytes: (UInt64, UInt64, UInt64, UInt64)) { self.bytes = bytes }

    /// The 32 bytes of `stored`.
    init(_ stored: UnsafeRawBufferPointer) {
        var out: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &out) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: stored.prefix(32))) }
        bytes = out
    }

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
