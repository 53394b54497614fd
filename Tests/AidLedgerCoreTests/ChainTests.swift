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

    @Test func anUntouchedLedgerVerifies() throws {
        let report = try t.ledger.verify()
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
        let report = try t.ledger.verify()
        #expect(!report.isIntact)
        #expect(report.firstBadPosition == 5)
    }

    @Test func deletingAnEventIsDetected() throws {
        try t.tamper { env in try env.write { txn in _ = try txn.delete(env.database("log"), Self.key(7)) } }
        #expect(try t.ledger.verify().firstBadPosition == 7)
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
        #expect(try t.ledger.verify().firstBadPosition == 3)
    }

    @Test func cuttingOffTheTailIsDetected() throws {
        let head = t.headPosition
        try t.tamper { env in try env.write { txn in _ = try txn.delete(env.database("log"), Self.key(head)) } }
        let report = try t.ledger.verify()
        #expect(report.firstBadPosition == head)
    }

    @Test func recordedTimesNeverGoBackwards() throws {
        let records = try t.ledger.records()
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
        #expect(records.map(\.position) == Array(1...UInt64(records.count)))
    }
}
