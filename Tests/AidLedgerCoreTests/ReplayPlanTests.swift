@testable import AidLedgerCore
import Foundation
import LMDBStore
import Testing

/// A replay reads issuances straight from their stored bytes (`IssuanceReading`) and every other record through its
/// decoded form (`EffectPlan.add`, from `Effect.visit`): the two must plan the same changes.
@Suite struct ReplayPlanTests {
    @Test func anIssuanceReadFromItsBytesPlansExactlyWhatItsDecodedRecordPlans() throws {
        let t = try TestLedger()
        // The demo's two rounds: issuances of one and several lines, drawing on one lot or several donors' lots,
        // households that changed between them, voids.
        for input in DemoScenario(seed: 11, households: 60, today: BusinessDate.today()).commands() {
            try t.ledger.submit(try Command.parse(input, actor: "t"))
        }
        let ledger = t.ledger!
        let symbols = ReplaySymbols(), slots = ReplaySlots()
        let reading = IssuanceReading(symbols: symbols.numbering, slots: slots.numbering)
        var (issuances, severalDraws, others) = (0, 0, 0)
        try ledger.read { txn in
            var lots: [UInt64: Lot] = [:]
            try txn.forEach(ledger.store.log, from: nil) { key, value in
                let stored = Array(value)
                let record = try LedgerStore.logRecord(key, stored, envelope: false)
                let fast = EffectPlan(records: 1)
                // Read first from the bytes, then decoded: a key or text the bytes' reading numbered differently
                // from the decoded record's would get a new number here, and the plans would differ.
                let recordedAt = try reading.add(stored, at: record.position, to: fast, lot: { try LogPrefetch.lot($0, &lots, ledger.store, txn) }) { _ in nil }
                guard case .goodsIssued(let issued) = record.event else {
                    #expect(recordedAt == nil, "only an issuance is read from its bytes (#\(record.position))")
                    others += 1
                    return true
                }
                let decoded = EffectPlan(records: 1)
                try decoded.add(record, symbols: symbols.numbering, slots: slots.numbering, lot: { try LogPrefetch.lot($0, &lots, ledger.store, txn) }) { _ in nil } target: { _ in
                    Issue.record("an issuance names no event to void")
                    return record
                }
                #expect(recordedAt == record.recordedAt)
                #expect(fast.onlySteps(0) && decoded.onlySteps(0))
                #expect(fast.steps.elements == decoded.steps.elements, "the steps of #\(record.position)")
                #expect(fast.marks.elements == decoded.marks.elements, "the summary's changes of #\(record.position)")
                issuances += 1
                if issued.lines.reduce(0, { $0 + $1.draws.count }) > 1 { severalDraws += 1 }
                return true
            }
        }
        #expect(issuances > 100 && severalDraws > 5 && others > 50, "\(issuances) issuances, \(severalDraws) with several draws, \(others) other records")
        // Every key was numbered once, by whichever reading met it first.
        #expect(slots.numbering.count > 20)
    }

    @Test func anIssuanceWhoseStoredBytesAreCutIsReportedAsARecordThatCannotBeRead() throws {
        let t = try TestLedger()
        try t.standardWorld()
        try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER"], lists: ["item": ["food-kit"]])
        let position = t.headPosition
        // Someone shortens the issuance's payload by a byte on disk (the chain no longer holds; a rebuild reads on).
        try t.tamper { env in
            try env.write { txn in
                let log = env.database("log")
                let stored = try #require(try txn.get(log, LedgerStore.be64(position)))
                let body = stored.dropLast(EventRecord.hashSize)
                try txn.put(log, LedgerStore.be64(position), Array(body.dropLast()) + stored.suffix(EventRecord.hashSize))
            }
        }
        for check in [{ _ = try t.ledger.rebuild() }, { _ = try t.ledger.projectionDifferences() }] {
            let error = #expect(throws: LedgerError.self, performing: check)
            #expect(error?.code == .corruptRecord)
            #expect(error?.message == "record #\(position) cannot be read; run aidledger verify")
        }
    }
}
