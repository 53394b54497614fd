import AidLedgerCore
import Foundation
import Testing

@Suite struct RetryAndVoidTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    @Test func aRetriedCommandReturnsItsFirstOutcomeAndAppendsNothing() throws {
        let fields = ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"]
        let first = try t.submit("issue", fields, lists: ["item": ["food-kit"]], id: "tablet-7-0001")
        let head = t.headPosition
        let again = try t.submit("issue", fields, lists: ["item": ["food-kit"]], id: "tablet-7-0001")
        #expect(again.status == .duplicate)
        #expect(again.records.map(\.position) == first.records.map(\.position))
        #expect(again.records.map(\.hash) == first.records.map(\.hash))
        #expect(t.headPosition == head)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 9)
    }

    @Test func aRetryAfterReopeningIsStillRecognised() throws {
        let fields = ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"]
        try t.submit("issue", fields, lists: ["item": ["food-kit"]], id: "c-1")
        try t.reopen()
        #expect(try t.submit("issue", fields, lists: ["item": ["food-kit"]], id: "c-1").status == .duplicate)
    }

    @Test func commandsRecordedByAnOlderLayoutAreStillRecognisedOnRetry() throws {
        let fields = ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"]
        let positions = try ["c-old", "c-mid"].map { id in try t.submit("issue", fields, lists: ["item": [id == "c-old" ? "food-kit" : "hygiene-set"]], id: id).records[0].position }
        // Older programs kept a `commands` database keyed by the id itself: a 32-byte digest and two 8-byte numbers,
        // later a 16-byte digest, an 8-byte position and a varint count.
        try t.tamper(databases: ["meta", "command-index", "commands"]) { env in
            try env.write { txn in
                let index = env.database("command-index")
                var digests: [String: [UInt8]] = [:]
                try txn.forEach(index) { k, v in
                    digests[String(decoding: k, as: UTF8.self)] = Array(v.prefix(8))
                    return true
                }
                for id in digests.keys { try txn.delete(index, Array(id.utf8)) }
                let be = { (v: UInt64) in (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(56 - 8 * $0)) } }
                let commands = env.database("commands")
                try txn.put(commands, Array("c-old".utf8), digests["c-old"]! + [UInt8](repeating: 0xAB, count: 24) + be(positions[0]) + be(1))
                try txn.put(commands, Array("c-mid".utf8), digests["c-mid"]! + [UInt8](repeating: 0xCD, count: 8) + be(positions[1]) + [1])
                try txn.put(env.database("meta"), Array("layout".utf8), be(2))
            }
        }
        for (id, position) in zip(["c-old", "c-mid"], positions) {
            let retry = try t.submit("issue", fields, lists: ["item": [id == "c-old" ? "food-kit" : "hygiene-set"]], id: id)
            #expect(retry.status == .duplicate)
            #expect(retry.records.map(\.position) == [position])
            #expect(throws: LedgerError(.commandIDReused, "command id \(id) was already used for a different command; choose a new id")) {
                try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]], id: id)
            }
        }
        // The older database is gone once carried over.
        try t.tamper(databases: ["meta"]) { env in
            let dropped = try env.write { txn in try txn.dropDatabase(named: "commands") }
            #expect(!dropped)
        }
    }

    /// A retry may come from a later build than the one that recorded the command (a tablet queues it over an
    /// upgrade): the stored digest of a command's fields must not change between builds. Expected value from Python's
    /// hmac over the canonical form (the verb, then each field but the actor in key order: name, count, values;
    /// every text a varint length and UTF-8).
    @Test func theDigestThatRecognisesARetryIsTheSameInEveryBuild() throws {
        let secret = (0..<32).map { String(format: "%02x", $0) }.joined() + "\n"
        try secret.write(toFile: t.directory + "/" + LedgerSecret.fileName, atomically: true, encoding: .utf8)
        try t.reopen()
        let fields = ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10", "override-reason": "видано за списком"]
        try t.submit("issue", fields, lists: ["item": ["food-kit", "hygiene-set:2"]], id: "golden-1")
        var stored: [UInt8]?
        try t.tamper(databases: ["command-index"]) { env in
            stored = try env.read { txn in try txn.get(env.database("command-index"), Array("golden-1".utf8)) }
        }
        #expect(stored.map { Array($0.prefix(8)).hexString } == "b52a65aad95e1502")
    }

    @Test func reusingACommandIdForADifferentCommandIsRejected() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]], id: "c-2")
        #expect(throws: LedgerError(.commandIDReused, "command id c-2 was already used for a different command; choose a new id")) {
            try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]], id: "c-2")
        }
    }

    @Test func aVoidReturnsTheStockAndASecondVoidIsRefused() throws {
        let issued = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        let position = String(issued.records[0].position)
        try t.submit("void", ["position": position, "reason": "typed for the wrong household"])
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 10)
        #expect(try t.ledger.donorBalance("CARITAS").items.first { $0.item == "food-kit" }?.issuedUnits == 0)
        // The household may receive again: the voided kit no longer counts.
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-11"], lists: ["item": ["food-kit"]])
        let e = t.rejection("void", ["position": position, "reason": "again"])
        #expect(e?.code == .alreadyVoided)
        // The original stays in the log.
        #expect(try t.ledger.record(at: issued.records[0].position)?.event.type == .goodsIssued)
    }

    @Test func aVoidThatWouldMakeStockNegativeIsRefused() throws {
        let intake = try t.submit("intake.goods", ["site": "WH", "donor": "CARITAS", "item": "food-kit", "quantity": "5", "document": "w 5"])
        try t.submit("transfer", ["from": "WH", "to": "DP", "item": "food-kit", "quantity": "3"])
        let e = t.rejection("void", ["position": String(intake.records[0].position), "reason": "wrong waybill"])
        #expect(e?.code == .insufficientStock)
    }

    @Test func aVoidOfACashIntakeAlreadyGrantedIsRefused() throws {
        let intake = try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "100", "document": "o"])
        let grant = try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "60"])
        #expect(t.rejection("void", ["position": String(intake.records[0].position), "reason": "x"])?.code == .insufficientCash)
        try t.submit("void", ["position": String(grant.records[0].position), "reason": "paid twice"])
        try t.submit("void", ["position": String(intake.records[0].position), "reason": "wrong order"])
        #expect(try t.ledger.campaignBalance("CASH").cashLeft == 0)
        #expect(try t.ledger.campaignBalance("CASH").cashReceived == 0)
    }

    @Test func registrationsCannotBeVoided() throws {
        #expect(t.rejection("void", ["position": "1", "reason": "x"])?.code == .notVoidable)
    }

    @Test func aBatchWithOneBadCommandCommitsTheRest() throws {
        let head = t.headPosition
        let commands = try [
            t.command("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]]),
            t.command("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-10", "quantity": "50", "override-reason": "x"], lists: ["item": ["food-kit"]]),
            t.command("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]]),
        ]
        let results = try t.ledger.submit(commands)
        #expect((try? results[0].get()) != nil)
        #expect(throws: LedgerError.self) { try results[1].get() }
        #expect((try? results[2].get())?.records.first?.position == head + 2)
        #expect(t.headPosition == head + 2)
        #expect(try t.ledger.verify().isIntact)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 8)
    }

    @Test func aCommandRefusedAfterItBeganWritingRollsBackAloneInItsBatch() throws {
        let head = t.headPosition
        // Each intake's value fits, but the second would take the donor's running total past what can be counted:
        // that is found while its effects are written, after its checks passed.
        let huge = ["site": "DP", "donor": "CITY", "item": "bedding", "quantity": "1", "value": "50000000000000000", "document": "w", "date": "2026-11-02"]
        let commands = try [
            t.command("intake.goods", huge),
            t.command("intake.goods", huge),
            t.command("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "bedding", "quantity": "3", "document": "w2", "date": "2026-11-02"]),
        ]
        let results = try t.ledger.submit(commands)
        #expect((try? results[0].get())?.records.first?.position == head + 1)
        #expect(throws: LedgerError.self) { try results[1].get() }
        if case .failure(let error) = results[1] { #expect(error.code == .amountOverflow) }
        #expect((try? results[2].get())?.records.first?.position == head + 2)
        #expect(t.headPosition == head + 2)
        #expect(try t.ledger.verify().isIntact)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "bedding" }?.units == 4)
    }

    @Test func closingAndReopeningKeepsEverything() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        let head = try t.ledger.head()
        let stock = try t.ledger.siteBalance("DP").totals.map { "\($0.item)=\($0.units)" }
        try t.reopen()
        #expect(try t.ledger.head() == head)
        #expect(try t.ledger.siteBalance("DP").totals.map { "\($0.item)=\($0.units)" } == stock)
        #expect(try t.ledger.verify().isIntact)
        #expect(t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-12"], lists: ["item": ["food-kit"]])?.code == .entitlementExceeded)
    }
}
