@testable import AidLedgerCore
import Foundation
import Testing

/// A ledger of more households than a replay holds at once is replayed in passes over each stretch of its log
/// (`ReplayShare`): what is on no summary first, then the summaries of each share of the recipients. Its books must be
/// exactly those of a replay in one step and of the append path.
@Suite struct ReplayPassesTests {
    /// 120 households of the demo (two rounds, households that changed between them, grants, voids), replayed with a
    /// chunk of 5: at most 25 entities in one step, so the 150-odd registered are replayed in six shares or more.
    private static func demo() throws -> (t: TestLedger, today: BusinessDate) {
        let t = try TestLedger()
        let today = BusinessDate.today()
        for input in DemoScenario(seed: 3, households: 120, today: today).commands() {
            try t.ledger.submit(try Command.parse(input, actor: "t"))
        }
        return (t, today)
    }

    @Test func aRebuildInPassesFindsTheStoredProjectionsSoundAndMendsWhatWasDamaged() throws {
        let (t, _) = try Self.demo()
        try t.reopen(replayChunk: 5)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        let sound = try t.ledger.rebuild()
        #expect(sound.mended == 0 && sound.events == t.headPosition)
        // Someone empties the summaries and changes the first counter of the running totals.
        try t.tamper(databases: ["recipients", "totals"]) { env in
            try env.write { txn in
                try txn.clear(env.database("recipients"))
                var first: [UInt8]?
                try txn.forEach(env.database("totals")) { k, _ in first = Array(k); return false }
                try txn.put(env.database("totals"), first!, [0, 0, 0, 0, 0, 0, 0, 7])
            }
        }
        try t.reopen(replayChunk: 5)
        #expect(try t.ledger.projectionDifferences(limit: 1000).count > 100)
        let mended = try t.ledger.rebuild()
        #expect(mended.mended > 100)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        // The same books a rebuild in one step finds.
        try t.reopen()
        #expect(try t.ledger.rebuild().mended == 0)
    }

    @Test func ledgersCutAtSeveralPointsRebuiltInPassesEqualWhatTheirAppendsProjected() throws {
        // Cut in the first round, between the rounds and in the second (after households changed): each share's
        // recipients stand at another point of their history.
        let today = BusinessDate.today()
        let inputs = DemoScenario(seed: 4, households: 120, today: today).commands()
        for cut in [inputs.count / 2, inputs.count * 2 / 3, inputs.count * 5 / 6] {
            let t = try TestLedger(replayChunk: 5)
            for input in inputs[..<cut] { try t.ledger.submit(try Command.parse(input, actor: "t")) }
            let report = try t.ledger.rebuild()
            #expect(report.events == t.headPosition && report.mended == 0, "cut after \(cut) commands")
            #expect(try t.ledger.projectionDifferences().isEmpty, "cut after \(cut) commands")
        }
    }
}
