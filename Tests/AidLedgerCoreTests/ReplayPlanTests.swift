@testable import AidLedgerCore
import Foundation
import LMDBStore
import Testing

/// A replay reads issuances, cash grants, registrations and intakes of cash straight from their stored bytes
/// (`IssuanceReading`, `GrantReading`, `RegistrationReading`, `CashIntakeReading`) and every other record through its decoded form (`EffectPlan.add`, from
/// `Effect.visit`, and `Ledger.project`): the two must plan the same changes.
@Suite struct ReplayPlanTests {
    @Test func anIssuanceOrAGrantReadFromItsBytesPlansExactlyWhatItsDecodedRecordPlans() throws {
        let t = try TestLedger()
        // The demo's two rounds: issuances of one and several lines, drawing on one lot or several donors' lots,
        // households that changed between them, grants, voids.
        for input in DemoScenario(seed: 11, households: 200, today: BusinessDate.today()).commands() {
            try t.ledger.submit(try Command.parse(input, actor: "t"))
        }
        let read = try Self.bothReadings(of: t.ledger)
        #expect(
            read.issuances > 100 && read.severalDraws > 5 && read.grants > 5 && read.registrations >= 200 && read.cashIntakes > 0 && read.others > 50,
            "\(read.issuances) issuances, \(read.severalDraws) with several draws, \(read.grants) grants, \(read.registrations) registrations, \(read.cashIntakes) intakes of cash, \(read.others) other records")
        // Every key was numbered once, by whichever reading met it first.
        #expect(read.keys > 20)
        // The replaying thread follows an issuance's pieces without writing out their steps and marks
        // (`ReplayedIssuance`): a rebuild, which does, finds every projection the appends wrote as it replays them.
        let rebuilt = try t.ledger.rebuild()
        #expect(rebuilt.events > 500 && rebuilt.mended == 0, "\(rebuilt.events) events, \(rebuilt.mended) mended")
    }

    /// Grants drawing on one cash lot, on two lots of one donor, and on two donors' lots.
    @Test func aGrantOfSeveralLotsReadFromItsBytesPlansWhatItsDecodedRecordPlans() throws {
        let t = try TestLedger()
        try t.standardWorld()
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "1000.00", "document": "order 1"])
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "200.00", "document": "order 2"])
        try t.submit("campaign.update", ["id": "CASH"], lists: ["donor": ["CARITAS"]])
        try t.submit("intake.cash", ["donor": "CARITAS", "campaign": "CASH", "amount": "100", "document": "order 3"])
        try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "600", "date": "2026-11-10"])
        try t.submit("grant", ["recipient": "P-1", "campaign": "CASH", "amount": "550", "date": "2026-11-10"])
        try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "100", "date": "2026-11-10"])
        let read = try Self.bothReadings(of: t.ledger)
        #expect(read.grants == 3 && read.grantsOfSeveralLots == 2 && read.grantsOfSeveralDonors == 1 && read.cashIntakes == 3)
    }

    /// The steps and marks of `plan`'s first record, its pieces written out as the replaying thread follows them.
    private static func expanded(_ plan: EffectPlan) -> ([EffectPlan.Step], [SummaryMark]) {
        guard !plan.pieces(of: 0).isEmpty else { return (plan.steps.elements, plan.marks.elements) }
        return plan.expanded(0)
    }

    /// Expects `fast`, the plan of `record` read from its bytes (`recordedAt` the time that reading gave), to hold the
    /// steps the decoded record plans and no change of a summary, to be followed without the record, which the decoded
    /// plan is not. - Returns: its entries, each as "table key value", and the recipients it registers with their
    /// attributes.
    private static func expectStepsOnly(
        _ fast: EffectPlan, recordedAt: Int64?, of record: EventRecord, symbols: ReplaySymbols, slots: ReplaySlots
    ) throws -> (entries: [String], registered: [(ReplaySymbols.Symbol, RegistrationReading.Profile)]) {
        let decoded = EffectPlan(records: 1)
        try decoded.add(record, symbols: symbols.numbering, slots: slots.numbering, lot: { _ in throw LedgerError(.corruptRecord, "no lot") }) { _ in nil } target: { _ in record }
        #expect(recordedAt == record.recordedAt)
        #expect(fast.onlySteps(0) && !decoded.onlySteps(0))
        #expect(fast.steps.elements == decoded.steps.elements && fast.marks.count == 0, "the steps of #\(record.position)")
        var entries: [String] = []
        var registered: [(ReplaySymbols.Symbol, RegistrationReading.Profile)] = []
        try fast.forEachEntry(of: 0) { table, key, value in entries.append("\(table) \(Array(key)) \(Array(value))") } registered: { registered.append(($0, $1)) }
        return (entries, registered)
    }

    /// Reads every record of `ledger`'s log both ways and expects the same plan from each issuance, grant, registration
    /// and intake of cash. - Returns:
    /// what it read, and how many keys the two readings numbered.
    private static func bothReadings(of ledger: Ledger) throws -> (
        issuances: Int, severalDraws: Int, grants: Int, grantsOfSeveralLots: Int, grantsOfSeveralDonors: Int, registrations: Int, cashIntakes: Int, others: Int,
        keys: Int
    ) {
        let symbols = ReplaySymbols(), slots = ReplaySlots()
        let reading = IssuanceReading(symbols: symbols.numbering, slots: slots.numbering)
        let grantReading = GrantReading(symbols: symbols.numbering, slots: slots.numbering)
        let registrationReading = RegistrationReading(symbols: symbols.numbering, slots: slots.numbering)
        let intakeReading = CashIntakeReading(symbols: symbols.numbering, slots: slots.numbering)
        var counts = (issuances: 0, severalDraws: 0, grants: 0, grantsOfSeveralLots: 0, grantsOfSeveralDonors: 0, registrations: 0, cashIntakes: 0, others: 0, keys: 0)
        try ledger.read { txn in
            var lots: [UInt64: Lot] = [:]
            try txn.forEach(ledger.store.log, from: nil) { key, value in
                let stored = value
                let record = try LedgerStore.logRecord(key, stored, envelope: false)
                let fast = EffectPlan(records: 1)
                // Read first from the bytes, then decoded: a key or text the bytes' reading numbered differently
                // from the decoded record's would get a new number here, and the plans would differ.
                // With the envelope read ahead, as a replay's reading thread reads them.
                let ahead = RecordEnvelope.ahead(stored)
                var recordedAt = try reading.add(stored, ahead: ahead, at: record.position, to: fast, lot: { try LogPrefetch.lot($0, &lots, ledger.store, txn) }) { _ in nil }
                if recordedAt == nil {
                    recordedAt = try grantReading.add(stored, ahead: ahead, to: fast, lot: { try LogPrefetch.lot($0, &lots, ledger.store, txn) }) { _ in nil }
                }
                if recordedAt == nil { recordedAt = try registrationReading.add(stored, ahead: ahead, to: fast) }
                // Its lot kept apart, to compare with the one the decoded intake gives.
                var intakeLots: [UInt64: Lot] = [:]
                if recordedAt == nil, ahead == nil { recordedAt = try intakeReading.add(stored, at: record.position, to: fast, keeping: &intakeLots) }
                // Read ahead: an issuance's, a grant's or a registration's envelope, and where its recipient's id is.
                let recipient: String? = switch record.event {
                case .goodsIssued(let e): e.recipient
                case .cashGranted(let e): e.recipient
                case .recipientRegistered(let e): e.recipient
                default: nil
                }
                #expect(ahead.map { String(decoding: stored[$0.recipient], as: UTF8.self) } == recipient, "the recipient read ahead of #\(record.position)")
                #expect(ahead.map { $0.envelope.recordedAt } == (recipient == nil ? nil : record.recordedAt))
                switch record.event {
                case .recipientRegistered(let p):
                    // Read from its bytes: its version's step, and the registry's and documents index's entries the
                    // append path writes for it.
                    counts.registrations += 1
                    let (entries, registered) = try Self.expectStepsOnly(fast, recordedAt: recordedAt, of: record, symbols: symbols, slots: slots)
                    let registry = LedgerStore.registryEntry(.recipient, p.recipient, p)
                    var expected = [(EffectPlan.EntryTable.registry, registry.key, registry.value)]
                    for d in p.documents { expected.append((.documents, LedgerStore.documentKey(d.hash), Array(p.recipient.utf8))) }
                    #expect(entries == expected.map { "\($0.0) \($0.1) \($0.2)" }, "the entries of #\(record.position)")
                    // The attributes the replaying thread reads for the reach counts, under the recipient's number.
                    let number = try symbols.numbering.recipient(p.recipient) { _ in nil }
                    let profile = RegistrationReading.Profile(kind: p.kind, householdSize: p.householdSize, category: p.category, area: p.area)
                    #expect(registered.count == 1 && registered.first?.0 == number && registered.first?.1 == profile, "the attributes of #\(record.position)")
                    return true
                case .cashReceived:
                    // Read from its bytes: its steps, and the lot the append path writes (and the grants after it draw on).
                    counts.cashIntakes += 1
                    let (entries, registered) = try Self.expectStepsOnly(fast, recordedAt: recordedAt, of: record, symbols: symbols, slots: slots)
                    #expect(registered.isEmpty)
                    let lot = Lot(intake: record)
                    #expect(intakeLots == [record.position: lot], "the lot of #\(record.position)")
                    #expect(entries == ["lots \(LedgerStore.be64(record.position)) \(lot?.encoded() ?? [])"], "the entries of #\(record.position)")
                    return true
                case .goodsIssued(let issued):
                    counts.issuances += 1
                    if issued.lines.reduce(0, { $0 + $1.draws.count }) > 1 { counts.severalDraws += 1 }
                case .cashGranted(let grant):
                    counts.grants += 1
                    if grant.draws.count > 1 { counts.grantsOfSeveralLots += 1 }
                    if Set(try grant.draws.map { try LogPrefetch.lot($0.lot, &lots, ledger.store, txn).donor }).count > 1 { counts.grantsOfSeveralDonors += 1 }
                default:
                    #expect(recordedAt == nil, "only an issuance, a grant, a registration or an intake of cash is read from its bytes (#\(record.position))")
                    counts.others += 1
                    return true
                }
                let decoded = EffectPlan(records: 1)
                try decoded.add(record, symbols: symbols.numbering, slots: slots.numbering, lot: { try LogPrefetch.lot($0, &lots, ledger.store, txn) }) { _ in nil } target: { _ in
                    Issue.record("an issuance or a grant names no event to void")
                    return record
                }
                #expect(recordedAt == record.recordedAt)
                #expect(fast.onlySteps(0) && decoded.onlySteps(0))
                // An issuance is handed over as pieces, which the replaying thread follows.
                let isIssuance = if case .goodsIssued = record.event { true } else { false }
                #expect(fast.pieces(of: 0).isEmpty != isIssuance)
                let (steps, marks) = Self.expanded(fast)
                #expect(steps == decoded.steps.elements, "the steps of #\(record.position)")
                #expect(marks == decoded.marks.elements, "the summary's changes of #\(record.position)")
                return true
            }
        }
        counts.keys = slots.numbering.count
        return counts
    }

    @Test func anIssuanceWhoseStoredBytesAreCutIsReportedAsARecordThatCannotBeRead() throws {
        let t = try TestLedger()
        try t.standardWorld()
        try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER"], lists: ["item": ["food-kit"]])
        let position = t.headPosition
        // Someone shortens the issuance's payload by a byte on disk (the chain no longer holds; a rebuild reads on).
        try Self.rewrite(position, of: t) { body in Array(body.dropLast()) }
        try Self.expectUnreadable(position, by: t.ledger)
    }

    /// A registration is read by both threads of a replay: its id by the reading one, the rest of its payload by the
    /// replaying one. Either part that cannot be read is reported as the record that cannot be read.
    @Test func aRegistrationWhoseStoredBytesAreDamagedIsReportedAsARecordThatCannotBeRead() throws {
        for damage in ["the payload's last byte cut", "its category unknown"] {
            let t = try TestLedger()
            try t.standardWorld()
            try t.submit("recipient.register", ["id": "H-9", "kind": "household", "size": "3", "category": "idp", "area": "urban", "settlement": "Kalush"])
            let position = t.headPosition
            try Self.rewrite(position, of: t) { body in
                guard damage == "its category unknown" else { return Array(body.dropLast()) }
                // "idp" becomes "ipd", a word of the same length: the record's lengths still hold.
                var bytes = Array(body)
                let at = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("idp".utf8)) })
                bytes[at + 1...at + 2] = [UInt8(ascii: "p"), UInt8(ascii: "d")]
                return bytes
            }
            try Self.expectUnreadable(position, by: t.ledger)
        }
    }

    /// A replay in many steps counts a household's reach by what its registration, read in an earlier step, says of
    /// it, not by the registry, which a rebuild is there to mend.
    @Test func aRebuildInManyStepsCountsAHouseholdByItsRegistrationNotByADamagedRegistry() throws {
        let t = try TestLedger(replayChunk: 1)
        try t.standardWorld()
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-03"], lists: ["item": ["food-kit"]])
        let before = try t.ledger.campaignBalance("WINTER").json
        // Someone makes the household a veteran's in the registry.
        try t.tamper(databases: ["registry"]) { env in
            try env.write { txn in
                let registry = env.database("registry")
                let key = LedgerStore.Kind.recipient.key("H-1")
                var p = try LedgerStore.registration(try #require(try txn.get(registry, key)), as: RecipientRegistered.self)
                p.category = .veteran
                try txn.put(registry, key, LedgerStore.registryEntry(.recipient, "H-1", p).value)
            }
        }
        #expect(try t.ledger.rebuild().mended == 1)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.campaignBalance("WINTER").json == before)
    }

    /// Rewrites the body of the record at `position` on disk, its hash left as it was (the chain no longer holds; a
    /// rebuild reads on).
    private static func rewrite(_ position: UInt64, of t: TestLedger, _ change: @escaping (ArraySlice<UInt8>) throws -> [UInt8]) throws {
        try t.tamper { env in
            try env.write { txn in
                let log = env.database("log")
                let stored = try #require(try txn.get(log, LedgerStore.be64(position)))
                try txn.put(log, LedgerStore.be64(position), try change(stored.dropLast(EventRecord.hashSize)) + stored.suffix(EventRecord.hashSize))
            }
        }
    }

    /// Expects a rebuild and a check of `ledger` to stop at the record at `position`, named as one that cannot be read.
    private static func expectUnreadable(_ position: UInt64, by ledger: Ledger) throws {
        for check in [{ _ = try ledger.rebuild() }, { _ = try ledger.projectionDifferences() }] {
            let error = #expect(throws: LedgerError.self, performing: check)
            #expect(error?.code == .corruptRecord)
            #expect(error?.message == "record #\(position) cannot be read; run aidledger verify")
        }
    }
}
