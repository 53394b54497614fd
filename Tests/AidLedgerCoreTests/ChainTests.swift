import Foundation
import AidLedgerCore
import LMDBStore
import Testing

@Suite struct ChainTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
    }

    static func key(_ p: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: p >> UInt64(56 - 8 * $0)) } }

    /// Verifies in one read transaction, then again reading two positions per transaction: the same report.
    func verified() throws -> VerifyReport {
        let whole = try t.ledger.verify()
        try t.reopen(replayChunk: 2)
        let inWindows = try t.ledger.verify()
        #expect(inWindows.json == whole.json, "verifying two positions per read transaction gives the same report")
        return whole
    }

    @Test func anUntouchedLedgerVerifies() throws {
        let report = try verified()
        #expect(report.isIntact)
        #expect(report.count == t.headPosition)
        #expect(report.headHash == (try t.ledger.head().hash))
    }

    @Test func changingOneByteOfAStoredEventMakesVerifyFailAtThatPosition() throws {
        try t.tamper { env in
            try env.write { txn in
                var value = try txn.get(env.database("log"), Self.key(5))!
                value[value.count / 2] ^= 0x01
                try txn.put(env.database("log"), Self.key(5), value)
            }
        }
        let report = try verified()
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == 5)
    }

    @Test func deletingAnEventIsDetected() throws {
        try t.tamper { env in try env.write { txn in _ = try txn.delete(env.database("log"), Self.key(7)) } }
        #expect(try verified().firstBadPosition == 7)
    }

    @Test func swappingTwoEventsIsDetected() throws {
        try t.tamper { env in
            try env.write { txn in
                let log = env.database("log")
                let a = try txn.get(log, Self.key(3))!
                let b = try txn.get(log, Self.key(4))!
                try txn.put(log, Self.key(3), b)
                try txn.put(log, Self.key(4), a)
            }
        }
        #expect(try verified().firstBadPosition == 3)
    }

    @Test func cuttingOffTheTailIsDetected() throws {
        let head = t.headPosition
        try t.tamper { env in try env.write { txn in _ = try txn.delete(env.database("log"), Self.key(head)) } }
        let report = try verified()
        #expect(report.firstBadPosition == head)
    }

    /// Verify checks the chain in parts side by side (each from the hash stored before it); wherever a record is
    /// changed or removed, in either part or at their boundary, it is the position reported, as by a check from the start.
    @Test func aRecordChangedOrDeletedAnywhereIsFoundAtItsPosition() throws {
        let head = t.headPosition
        for p in 1...head {
            var original: [UInt8] = []
            try t.tamper { env in
                try env.write { txn in
                    original = try txn.get(env.database("log"), Self.key(p))!
                    var changed = original
                    changed[changed.count / 3] ^= 0x04
                    try txn.put(env.database("log"), Self.key(p), changed)
                }
            }
            #expect(try verified().firstBadPosition == p, "a byte changed in #\(p)")
            try t.tamper { env in try env.write { txn in _ = try txn.delete(env.database("log"), Self.key(p)) } }
            #expect(try verified().firstBadPosition == p, "#\(p) deleted")
            try t.tamper { env in try env.write { txn in try txn.put(env.database("log"), Self.key(p), original) } }
        }
        #expect(try verified().isIntact)
    }

    @Test func recordedTimesNeverGoBackwards() throws {
        let records = try t.ledger.records()
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
        #expect(records.map(\.position) == Array(1...UInt64(records.count)))
    }

    /// Document hashes (and command digests, the same keyed hash) are HMAC-SHA256 under the ledger's secret, so a
    /// ledger's dedup index and retries keep working whichever build wrote them. Expected values from Python's hmac.
    @Test func keyedHashesAreStandardHMACUnderTheLedgersSecret() throws {
        let directory = NSTemporaryDirectory() + "aidledger-secret-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secret = (0..<32).map { String(format: "%02x", $0) }.joined() + "\n"
        try secret.write(toFile: directory + "/" + LedgerSecret.fileName, atomically: true, encoding: .utf8)
        let ledger = try Ledger(directory: directory, create: true)
        #expect(ledger.documentHash(.taxNumber, "3012 456-789").hexString == "f05a84252844ed6215e5d47f68a692ced38c90a5b88b41b2904fc5f4cbc84a76")
        #expect(ledger.documentHash(.passport, "жк123456").hexString == "4fb9fad682fffcbf83b2bf1fd0a1faa1e05827afdb84df7b1066fc8d12bffc4d")
    }
}
