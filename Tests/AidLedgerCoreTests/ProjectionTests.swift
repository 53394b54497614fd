import AidLedgerCore
import Foundation
import LMDBStore
import Testing

@Suite struct ProjectionTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    /// A small month at the point, with every figure worked out by hand below.
    func month() throws {
        try t.submit("intake.goods", ["site": "DP", "donor": "CITY", "campaign": "WINTER", "item": "food-kit", "quantity": "4", "value": "790", "document": "act 1", "date": "2026-11-01"])
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "1800", "document": "order 1", "date": "2026-11-01"])
        // H-1 (household of 4): 1 food kit (from CITY's earmarked lot) and 4 hygiene sets (CARITAS).
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit", "hygiene-set:4"]])
        // P-1 (individual): 2 food kits under an override (CITY's lot), 1 hygiene set.
        try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-06", "override-reason": "two kits for a bedridden person"],
                     lists: ["item": ["food-kit:2", "hygiene-set"]])
        try t.submit("grant", ["recipient": "P-1", "campaign": "CASH", "amount": "450", "date": "2026-11-06"])
        try t.submit("transfer", ["from": "DP", "to": "WH", "item": "hygiene-set", "quantity": "5", "date": "2026-11-07"])
        try t.submit("adjust", ["site": "WH", "item": "hygiene-set", "delta": "-1", "reason": "damaged", "date": "2026-11-08"])
    }

    @Test func eachProjectionMatchesTheFiguresWorkedOutByHand() throws {
        try month()
        let caritas = try t.ledger.donorBalance("CARITAS")
        let hygiene = caritas.items.first { $0.item == "hygiene-set" }!
        #expect(hygiene.receivedUnits == 20)
        #expect(hygiene.issuedUnits == 5)
        #expect(hygiene.issuedValue == 5 * 42_050)
        #expect(hygiene.transferredUnits == 5)
        #expect(hygiene.adjustedUnits[.damaged] == -1)
        #expect(hygiene.onHandUnits == 14)
        #expect(hygiene.onHandValue == 14 * 42_050)
        #expect(caritas.reach.recipients == 2)
        #expect(caritas.reach.people == 5)
        // Where the rest lies: DP keeps 20 - 5 issued - 5 moved sets and its 10 kits (the kits issued came from CITY's
        // earmarked lot); WH holds the 5 moved sets less the damaged one.
        let rest: [DonorBalance.SiteStock] = [
            DonorBalance.SiteStock(site: "DP", item: "food-kit", units: 10, value: 850_000),
            DonorBalance.SiteStock(site: "DP", item: "hygiene-set", units: 10, value: 420_500),
            DonorBalance.SiteStock(site: "WH", item: "hygiene-set", units: 4, value: 168_200),
        ]
        #expect(caritas.onHandBySite == rest)

        let city = try t.ledger.donorBalance("CITY")
        #expect(city.items.first { $0.item == "food-kit" }?.issuedUnits == 3)
        #expect(city.items.first { $0.item == "food-kit" }?.issuedValue == Int64(3 * 79_000))
        #expect(city.cashReceived == 180_000)
        #expect(city.cashGranted == 45_000)
        #expect(city.reach.recipients == 2)  // H-1 through goods, P-1 through goods and cash: each once
        let cityRest: [DonorBalance.SiteStock] = [DonorBalance.SiteStock(site: "DP", item: "food-kit", units: 1, value: 79_000)]
        #expect(city.onHandBySite == cityRest)

        let winter = try t.ledger.campaignBalance("WINTER")
        #expect(winter.issuances == 2)
        #expect(winter.reach.recipients == 2)
        #expect(winter.reach.households == 1)
        #expect(winter.reach.individuals == 1)
        #expect(winter.reach.people == 5)
        #expect(winter.reach.byCategory[.idp] == 1)
        #expect(winter.reach.byCategory[.olderAlone] == 1)
        #expect(winter.reach.byArea[.urban] == 1)
        #expect(winter.reach.byArea[.rural] == 1)
        #expect(try t.ledger.campaignBalance("CASH").cashLeft == 135_000)

        let p1 = try t.ledger.recipientBalance("P-1")
        #expect(p1.items.first { $0.item == "food-kit" }?.units == 2)
        #expect(p1.byDonor.first { $0.id == "CITY" && $0.item == "food-kit" }?.value == 158_000)
        #expect(p1.cash == 45_000)
        #expect(p1.cashByDonor.first?.id == "CITY")
        #expect(p1.firstIssuance?.description == "2026-11-06")

        let wh = try t.ledger.siteBalance("WH")
        #expect(wh.totals.first { $0.item == "hygiene-set" }?.units == 4)
        #expect(wh.lots.allSatisfy { $0.lot.donor == "CARITAS" })
    }

    @Test func theMonthsReportMatchesTheFiguresWorkedOutByHandBeforeAndAfterAVoid() throws {
        try month()
        // A third hygiene set for P-1 under an override, voided the next day: it counts in the books as of the
        // position before its void, and no more after it.
        let extra = try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-09", "override-reason": "lost in a shelling"],
                                 lists: ["item": ["hygiene-set"]])
        let void = try t.submit("void", ["position": String(extra.records[0].position), "reason": "entered twice"])
        let november = (from: try BusinessDate.parse("2026-11-01", field: "from"), to: try BusinessDate.parse("2026-11-30", field: "to"))
        let report = try t.ledger.report(from: november.from, to: november.to)
        #expect(report.served.recipients == 2)
        #expect(report.served.households == 1)
        #expect(report.served.individuals == 1)
        #expect(report.served.people == 5)
        #expect(report.served.byCategory[.idp] == 1)
        #expect(report.served.byArea[.rural] == 1)
        #expect(report.issued["food-kit"]?.units == 3)
        #expect(report.issued["food-kit"]?.value == 237_000)  // 3 × 79,000 from CITY's earmarked lot
        #expect(report.issued["hygiene-set"]?.units == 5)
        #expect(report.issued["hygiene-set"]?.value == 210_250)
        #expect(report.publicValue == 237_000)
        #expect(report.charitableValue == 210_250)
        #expect(report.valueByDonor == ["CITY": 237_000, "CARITAS": 210_250])
        #expect(report.cashRecipients == 1)
        #expect(report.cashTotal == 45_000)
        #expect(report.intake["CARITAS"]?["food-kit"]?.units == 10)
        #expect(report.intake["CARITAS"]?["hygiene-set"]?.value == 841_000)
        #expect(report.intake["CITY"]?["food-kit"]?.value == 316_000)
        #expect(report.cashIntake == ["CITY": 180_000])
        #expect(report.writeOffs[.damaged]?.units == 1)
        #expect(report.writeOffs[.damaged]?.value == 42_050)

        let before = try t.ledger.report(from: november.from, to: november.to, as: .position(void.records[0].position - 1))
        #expect(before.issued["hygiene-set"]?.units == 6)
        #expect(before.charitableValue == 210_250 + 42_050)
        // The cash campaign alone: P-1's grant, no goods; October: nothing.
        let cash = try t.ledger.report(from: november.from, to: november.to, campaign: "CASH")
        #expect(cash.served.recipients == 1)
        #expect(cash.cashTotal == 45_000)
        #expect(cash.issued.isEmpty)
        let october = try t.ledger.report(from: try BusinessDate.parse("2026-10-01", field: "from"), to: try BusinessDate.parse("2026-10-31", field: "to"))
        #expect(october.served.recipients == 0 && october.intake.isEmpty)
        // Read three positions per read transaction, the same figures.
        try t.reopen(replayChunk: 3)
        #expect(try t.ledger.report(from: november.from, to: november.to).json == report.json)
        #expect(try t.ledger.report(from: november.from, to: november.to, as: .position(void.records[0].position - 1)).json == before.json)
    }

    /// A donor asks what their goods and cash did in a period: only the draws on their lots count, with the people
    /// those draws reached and the donor's own intake and write-offs; the donors' reports add up to the whole.
    @Test func aDonorsReportCountsOnlyWhatTheirGoodsAndCashDidWorkedOutByHand() throws {
        try month()
        // CARITAS joins the cash campaign with 100 UAH; H-1's grant of 1,400 UAH takes CITY's 1,350 left, then 50 of CARITAS's.
        try t.submit("campaign.update", ["id": "CASH"], lists: ["donor": ["CARITAS"]])
        try t.submit("intake.cash", ["donor": "CARITAS", "campaign": "CASH", "amount": "100", "document": "order 2", "date": "2026-11-09"])
        let grant = try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "1400", "date": "2026-11-10"])
        let november = (from: try BusinessDate.parse("2026-11-01", field: "from"), to: try BusinessDate.parse("2026-11-30", field: "to"))

        let caritas = try t.ledger.report(from: november.from, to: november.to, donor: "CARITAS")
        #expect(caritas.donor == "CARITAS")
        // H-1's 4 hygiene sets and P-1's one: both reached, 5 people; the kits came from CITY's lot.
        #expect(caritas.served.recipients == 2 && caritas.served.people == 5)
        #expect(caritas.issued.count == 1)
        #expect(caritas.issued["hygiene-set"]?.units == 5 && caritas.issued["hygiene-set"]?.value == 210_250)
        #expect(caritas.publicValue == 0 && caritas.charitableValue == 210_250)
        #expect(caritas.valueByDonor == ["CARITAS": 210_250])
        #expect(caritas.cashRecipients == 1 && caritas.cashTotal == 5_000)  // 50 UAH of H-1's grant
        #expect(caritas.intake.keys.sorted() == ["CARITAS"] && caritas.intake["CARITAS"]?["hygiene-set"]?.value == 841_000)
        #expect(caritas.cashIntake == ["CARITAS": 10_000])
        #expect(caritas.writeOffs[.damaged]?.units == 1 && caritas.writeOffs[.damaged]?.value == 42_050)

        let city = try t.ledger.report(from: november.from, to: november.to, donor: "CITY")
        #expect(city.served.recipients == 2)
        #expect(city.issued.count == 1 && city.issued["food-kit"]?.units == 3 && city.issued["food-kit"]?.value == 237_000)
        #expect(city.publicValue == 237_000 && city.charitableValue == 0)
        #expect(city.cashRecipients == 2 && city.cashTotal == 45_000 + 135_000)
        #expect(city.intake.keys.sorted() == ["CITY"] && city.cashIntake == ["CITY": 180_000])
        #expect(city.writeOffs.isEmpty)

        // The two donors' reports add up to the whole one.
        let all = try t.ledger.report(from: november.from, to: november.to)
        #expect(caritas.issuedValue + city.issuedValue == all.issuedValue)
        #expect(caritas.cashTotal + city.cashTotal == all.cashTotal && all.cashTotal == 185_000)
        // With a site or a campaign too: at WH no CARITAS goods were issued or received, one set was written off;
        // the cash campaign reached both recipients with CITY's money, P-1 with none of CARITAS's.
        let atWarehouse = try t.ledger.report(from: november.from, to: november.to, site: "WH", donor: "CARITAS")
        #expect(atWarehouse.served.recipients == 0 && atWarehouse.intake.isEmpty && atWarehouse.writeOffs[.damaged]?.units == 1)
        #expect(try t.ledger.report(from: november.from, to: november.to, campaign: "CASH", donor: "CITY").served.recipients == 2)
        #expect(try t.ledger.report(from: november.from, to: november.to, campaign: "CASH", donor: "CARITAS").served.recipients == 1)
        // Before the grant, CARITAS's cash had reached nobody.
        let before = try t.ledger.report(from: november.from, to: november.to, donor: "CARITAS", as: .position(grant.records[0].position - 1))
        #expect(before.cashRecipients == 0 && before.cashTotal == 0 && before.issuedValue == 210_250)
        do {
            _ = try t.ledger.report(from: november.from, to: november.to, donor: "NOBODY")
            Issue.record("a report for an unknown donor was made")
        } catch {
            #expect(error.code == .unknownDonor)
        }
    }

    /// November's report was sent at one position; since then a paper list was entered late under its own date, an
    /// issuance counted then was voided, and events of other periods and campaigns were recorded. The changes name
    /// exactly the two that account for the difference.
    @Test func aReportSentEarlierIsExplainedByTheEventsRecordedSince() throws {
        try month()
        let sent = t.headPosition
        let november = (from: try BusinessDate.parse("2026-11-01", field: "from"), to: try BusinessDate.parse("2026-11-30", field: "to"))
        let asSent = try t.ledger.report(from: november.from, to: november.to, campaign: "WINTER")
        // H-1's issuance of 5 November (1 food kit from CITY's lot, 4 hygiene sets) was entered twice on paper: voided.
        let counted = try t.ledger.records(LogFilter(types: [.goodsIssued])).first { $0.businessDate.description == "2026-11-05" }!
        let void = try t.submit("void", ["position": String(counted.position), "reason": "entered twice"])
        // A paper list of 9 November typed in now: 1 hygiene set to P-1.
        let late = try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-09", "override-reason": "paper list"], lists: ["item": ["hygiene-set"]])
        // Not November's WINTER: a grant under CASH, an intake for no campaign in October.
        try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "100", "date": "2026-11-10"])
        try t.submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "food-kit", "quantity": "2", "document": "waybill 7", "date": "2026-10-20"])

        let changes = try t.ledger.reportChanges(from: november.from, to: november.to, campaign: "WINTER", since: sent)
        #expect(changes.then.json == asSent.json)
        #expect(changes.added.map(\.position) == [late.records[0].position])
        #expect(changes.voided.map(\.void.position) == [void.records[0].position])
        #expect(changes.voided.map(\.target.position) == [counted.position])
        // Then 3 kits (237,000) and 5 sets (210,250); now less H-1's kit and 4 sets, plus P-1's set.
        let now = try t.ledger.report(from: november.from, to: november.to, campaign: "WINTER")
        #expect(asSent.issuedValue == 447_250)
        #expect(now.issuedValue == 447_250 - 79_000 - 4 * 42_050 + 42_050)
        // Asked at the head of the sending, nothing changed it; a position not reached yet is refused.
        let none = try t.ledger.reportChanges(from: november.from, to: november.to, campaign: "WINTER", since: t.headPosition)
        #expect(none.added.isEmpty && none.voided.isEmpty)
        #expect(throws: LedgerError.self) { try t.ledger.reportChanges(from: november.from, to: november.to, since: t.headPosition + 5) }
        #expect(throws: LedgerError.self) { try t.ledger.reportChanges(from: november.from, to: november.to, since: sent, as: .position(sent - 1)) }
    }

    @Test func aRebuildKeepsTheRegistryAndDocumentsAsRegistrationsErasuresAndChangesLeftThem() throws {
        // A replay writes registrations when its chunk ends: an erasure, a registration under the erased document, a
        // change to a campaign and to a household in the same chunk must read and leave what the log says.
        try t.submit("recipient.erase", ["id": "P-1", "reason": "asked to be forgotten"])
        try t.submit("recipient.register", ["id": "P-2", "kind": "individual", "category": "older_alone", "area": "rural", "settlement": "Kropyvnyk"],
                     lists: ["document": ["tax_number:1234567890"]])
        try t.submit("recipient.register", ["id": "H-3", "kind": "household", "size": "2", "category": "idp", "area": "urban", "settlement": "Kalush"],
                     lists: ["document": ["idp_certificate:0312-7770001"]])
        try t.submit("recipient.update", ["id": "H-3", "size": "3"], lists: ["document": ["passport:KA123456"]])
        try t.submit("campaign.update", ["id": "WINTER", "to": "2031-06-30"])
        try t.submit("issue", ["site": "DP", "recipient": "H-3", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
        try t.submit("issue", ["site": "DP", "recipient": "P-2", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["hygiene-set"]])
        #expect(try t.ledger.projectionDifferences() == [])
        #expect(try t.ledger.rebuild().mended == 0)
        // The documents index after the rebuild: P-2's and H-3's documents are taken, P-1's erased one is P-2's now.
        for document in ["tax_number:1234567890", "idp_certificate:0312-7770001", "passport:KA123456"] {
            let e = t.rejection("recipient.register", ["id": "X-1", "kind": "individual", "category": "idp", "area": "urban", "settlement": "Kalush"],
                                lists: ["document": [document]])
            #expect(e?.code == .duplicateDocument, "\(document)")
        }
        #expect(try t.ledger.recipientBalance("H-3").recipient.householdSize == 3)
    }

    @Test func voidingTheOnlyIssuanceToARecipientRemovesThemFromTheReach() throws {
        let o = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
        #expect(try t.ledger.campaignBalance("WINTER").reach.recipients == 1)
        try t.submit("void", ["position": String(o.records[0].position), "reason": "wrong household"])
        let reach = try t.ledger.campaignBalance("WINTER").reach
        #expect(reach.recipients == 0)
        #expect(reach.people == 0)
    }

    @Test func aRebuildEqualsTheStoredProjectionsEntryByEntry() throws {
        try month()
        try t.submit("void", ["position": String(t.headPosition - 2), "reason": "check"])
        #expect(try t.ledger.projectionDifferences().isEmpty)
        let before = try t.ledger.donorBalance("CARITAS").json
        let report = try t.ledger.rebuild()
        #expect(report.events == t.headPosition)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.donorBalance("CARITAS").json == before)
    }

    @Test func aLedgerWrittenUnderAnOlderLayoutIsRebuiltWhenOpened() throws {
        try month()
        let day = BusinessDate(year: 2026, month: 11, day: 20)!
        let card = try t.ledger.recipientBalance("P-1", on: day).json
        // An older program kept per-recipient counters and an issue history in databases of their own.
        try t.tamper(databases: ["meta", "history", "recipients"], reopen: false) { env in
            try env.write { txn in
                try txn.delete(env.database("meta"), Array("layout".utf8))
                try txn.put(env.database("history"), Array("P-1\u{0}WINTER\u{0}food-kit".utf8), [0, 0, 0, 0, 0, 0, 0, 2])
                try txn.clear(env.database("recipients"))
            }
        }
        // Opening it again says so, rebuilds the projections and removes the database no longer used.
        var notices: [String] = []
        t.ledger = try Ledger(directory: t.directory, notice: { notices.append($0) })
        #expect(notices.count == 1)
        #expect(notices.first?.contains("older version") == true)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.recipientBalance("P-1", on: day).json == card)
        try t.tamper(databases: ["meta"]) { env in
            let dropped = try env.write { txn in try txn.dropDatabase(named: "history") }
            #expect(!dropped)
        }
    }

    @Test func aChangedProjectionIsFoundByTheComparisonAndMendedByARebuild() throws {
        try month()
        try t.tamper { env in
            try env.write { txn in
                let stock = env.database("stock")
                var first: ([UInt8], [UInt8])?
                try txn.forEach(stock) { k, v in first = (Array(k), Array(v)); return false }
                var value = first!.1
                value[7] &+= 1
                try txn.put(stock, first!.0, value)
            }
        }
        let differences = try t.ledger.projectionDifferences()
        #expect(differences.count == 1)
        #expect(differences.first?.hasPrefix("stock:") == true)
        try t.ledger.rebuild()
        #expect(try t.ledger.projectionDifferences().isEmpty)
    }

    /// An issuance rewritten in the data file to draw 40 kits from a lot of 4 cannot be replayed: a rebuild (and the
    /// projection check) refuse it and name the lot, the site and the event, instead of writing negative stock.
    @Test func aRewrittenIssuanceThatDrawsMoreThanItsLotHeldStopsTheRebuildNamingLotSiteAndEvent() throws {
        try month()
        var target: (position: UInt64, lot: UInt64)? = nil
        try t.tamper { env in
            try env.write { txn in
                let log = env.database("log")
                var found: (UInt64, [UInt8])? = nil
                try txn.forEach(log) { k, v in
                    let position = k.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    let record = try EventRecord.decode(position: position, stored: Array(v))
                    if case .goodsIssued(let p) = record.event, p.recipient == "P-1" { found = (position, Array(v)) }
                    return true
                }
                let (position, stored) = found!
                var record = try EventRecord.decode(position: position, stored: stored)
                guard case .goodsIssued(var p) = record.event else { return }
                p.lines[0].quantity = 40
                p.lines[0].draws[0].amount = 40
                target = (position, p.lines[0].draws[0].lot)
                record.event = .goodsIssued(p)
                let previous = try EventRecord.decode(position: position - 1, stored: Array(try txn.get(log, Self.positionKey(position - 1))!)).hash
                let sealed = EventRecord.seal(
                    position: position, eventID: record.eventID, commandID: record.commandID, recordedAt: record.recordedAt,
                    businessDate: record.businessDate, actor: record.actor, site: record.site, event: record.event, previousHash: previous)
                try txn.put(log, Self.positionKey(position), sealed.stored)
            }
        }
        let (position, lot) = try #require(target)
        let expected = "stock of lot #\(lot) at DP would go below zero at #\(position)"
        #expect {
            try t.ledger.rebuild()
        } throws: { error in
            (error as? LedgerError)?.code == .corruptRecord && (error as? LedgerError)?.message == expected
        }
        #expect {
            try t.ledger.projectionDifferences()
        } throws: { error in
            (error as? LedgerError)?.message == expected
        }
        // Replayed in chunks of one summary (a ledger of more entities than one step holds), the same refusal.
        try t.reopen(replayChunk: 1)
        #expect {
            try t.ledger.rebuild()
        } throws: { error in
            (error as? LedgerError)?.message == expected
        }
    }

    @Test func lookingBackAtAnEntityRegisteredLaterSaysSoInsteadOfAskingToRegisterIt() throws {
        let before = t.headPosition
        try t.submit("donor.add", ["id": "UNICEF", "name": "UNICEF", "kind": "international"])
        try t.submit("recipient.register", ["id": "H-9", "kind": "household", "size": "2", "category": "idp", "area": "urban", "settlement": "Kalush"],
                     lists: ["document": ["idp_certificate:0312-5559999"]])
        let donor = #expect(throws: LedgerError.self) { try t.ledger.donorBalance("UNICEF", as: .position(before)) }
        #expect(donor?.code == .unknownDonor)
        #expect(donor?.message == "donor UNICEF was not registered yet at #\(before); it was registered later")
        let recipient = #expect(throws: LedgerError.self) { try t.ledger.recipientBalance("H-9", as: .position(before)) }
        #expect(recipient?.message == "recipient H-9 was not registered yet at #\(before); it was registered later")
        // An id the ledger has never had is still missing, with the way to add it.
        let never = #expect(throws: LedgerError.self) { try t.ledger.donorBalance("NOPE", as: .position(before)) }
        #expect(never?.code == .unknownDonor)
        #expect(never?.message.contains("add it first") == true)
        // At the head, as before.
        #expect(try t.ledger.donorBalance("UNICEF").donor.donor == "UNICEF")
    }

    @Test func aReplayMeetingMoreRecipientsThanItKeepsInMemoryStillEqualsTheStoredProjections() throws {
        // Chunks of one summary: the replay numbers the recipients, campaigns, donors and items anew in each, and
        // meets summaries it wrote in an earlier chunk, as one of millions of recipients does.
        let t = try TestLedger(replayChunk: 1)
        try t.standardWorld()
        try t.submit("intake.goods", ["site": "DP", "donor": "CITY", "item": "food-kit", "quantity": "40", "document": "waybill 3", "date": "2026-10-01"])
        try t.submit("intake.goods", ["site": "DP", "donor": "CITY", "item": "hygiene-set", "quantity": "40", "document": "waybill 4", "date": "2026-10-01"])
        for i in 1...30 {
            try t.submit("recipient.register", ["id": "R-\(i)", "kind": "household", "size": "\(1 + i % 4)", "category": "idp", "area": i % 2 == 0 ? "urban" : "rural",
                                                "settlement": "Kalush"], lists: ["document": ["idp_certificate:0312-\(100_000 + i)"]])
            try t.submit("issue", ["site": "DP", "recipient": "R-\(i)", "campaign": "WINTER", "date": "2026-10-05"], lists: ["item": ["food-kit", "hygiene-set"]])
        }
        let firstVisits = t.headPosition
        for i in 1...10 {  // a second visit a month later, each summary met again after many chunks
            try t.submit("issue", ["site": "DP", "recipient": "R-\(i)", "campaign": "WINTER", "date": "2026-11-20"], lists: ["item": ["hygiene-set"]])
        }
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.rebuild().mended == 0)
        // Replayed to a point and at the head, by hand: 30 households reached; R-7 had one set, then two.
        #expect(try t.ledger.campaignBalance("WINTER", as: .position(firstVisits)).reach.recipients == 30)
        let then = try t.ledger.recipientBalance("R-7", as: .position(firstVisits))
        let now = try t.ledger.recipientBalance("R-7")
        #expect(then.issuances == 1 && then.items.first { $0.item == "hygiene-set" }?.units == 1)
        #expect(now.issuances == 2 && now.items.first { $0.item == "hygiene-set" }?.units == 2)
        // The oldest lots first: Caritas's ten kits and twenty sets went to R-1… …R-20; the second sets are the city's.
        #expect(then.byDonor.map { "\($0.id) \($0.item) \($0.units)" } == ["CARITAS food-kit 1", "CARITAS hygiene-set 1"])
        #expect(now.byDonor.map { "\($0.id) \($0.item) \($0.units)" } == ["CARITAS food-kit 1", "CARITAS hygiene-set 1", "CITY hygiene-set 1"])
    }

    static func positionKey(_ p: UInt64) -> [UInt8] { withUnsafeBytes(of: p.bigEndian) { Array($0) } }

    /// In many small steps (replays of 4 summaries or 40 events and comparisons of 1 entry at a time, as on a ledger of
    /// millions: its 11 entities are more than the 10 a whole replay in one step may hold at this chunk), and in one
    /// (the whole log replayed at once, compared with the stored projections as it is flushed).
    @Test(arguments: [2, 50_000])
    func aRebuildFindsAndMendsEveryDifferenceInManyStepsOrOne(replayChunk: Int) throws {
        let t = try TestLedger(replayChunk: replayChunk)
        try t.standardWorld()
        for (i, r) in ["H-1", "P-1"].enumerated() {
            try t.submit("issue", ["site": "DP", "recipient": r, "campaign": "WINTER", "date": "2026-11-0\(i + 3)"], lists: ["item": ["food-kit", "hygiene-set"]])
        }
        let before = try t.ledger.recipientBalance("H-1", on: BusinessDate(year: 2026, month: 11, day: 20)!).json
        #expect(try t.ledger.projectionDifferences().isEmpty)
        // Someone empties the recipients' summaries, changes a counter and adds an entry the log does not back; among
        // the versions, removes one, shortens the next and slips a forged one in after it.
        var versions: [[UInt8]] = []
        try t.tamper(databases: ["recipients", "totals", "versions"]) { env in
            try env.write { txn in
                try txn.clear(env.database("recipients"))
                var first: ([UInt8], [UInt8])?
                try txn.forEach(env.database("totals")) { k, v in first = (Array(k), Array(v)); return false }
                try txn.put(env.database("totals"), first!.0, [UInt8](repeating: 1, count: 8))
                try txn.put(env.database("totals"), Array("zz-forged".utf8), [0, 0, 0, 0, 0, 0, 0, 9])
                try txn.forEach(env.database("versions")) { k, _ in versions.append(Array(k)); return true }
                try #require(versions.count > 3)
                try txn.delete(env.database("versions"), versions[1])
                try txn.put(env.database("versions"), versions[2], [1, 2, 3])
                try txn.put(env.database("versions"), versions[2] + [1], [0, 0, 0, 0, 0, 0, 0, 1])
            }
        }
        let differences = try t.ledger.projectionDifferences(limit: 100)
        #expect(differences.filter { $0.hasPrefix("recipients:") && $0.hasSuffix("missing from the stored projection") }.count == 2)
        #expect(differences.contains { $0.hasPrefix("totals:") && $0.contains("holds 0101010101010101") })
        #expect(differences.contains { $0 == "totals: entry zz-forged is not backed by the log" })
        let amongVersions = differences.filter { $0.hasPrefix("versions: ") }
        #expect(amongVersions.count == 3)
        #expect(amongVersions.contains { $0.hasSuffix("is missing from the stored projection") })
        #expect(amongVersions.contains { $0.contains(" holds 010203 but the log gives ") })
        #expect(amongVersions.contains { $0.hasSuffix("is not backed by the log") })
        #expect(differences.count == 7)
        #expect(try t.ledger.projectionDifferences(limit: 3).count == 3)
        let report = try t.ledger.rebuild()
        #expect(report.mended == 7)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.recipientBalance("H-1", on: BusinessDate(year: 2026, month: 11, day: 20)!).json == before)
        #expect(try t.ledger.rebuild().mended == 0)
    }

    /// Damage spread over many pages of each database: a rebuild in one step mends it where it finds it, putting and
    /// deleting entries through the cursor that walks the stored entries (pages split and merge under it meanwhile).
    @Test func aRebuildMendsDamageSpreadOverManyPagesBackToTheLogsBooks() throws {
        let t = try TestLedger()
        let today = BusinessDate.today()
        // No household changes its size, category or area (a change ends a replay's step: the rebuild would compare
        // and mend after its last one instead); an issuance that the change allowed is refused.
        let inputs = DemoScenario(seed: 11, households: 600, today: today).commands().filter { $0.verb != "recipient.update" }
        _ = try t.ledger.submit(try inputs.map { try Command.parse($0, actor: "t") })
        let cards = try ["R-000001", "R-000300", "R-000600"].map { try t.ledger.recipientBalance($0, on: today).json }
        let donors = try ["CARITAS", "UNICEF", "CITY"].map { try t.ledger.donorBalance($0).json }
        // In each database, every third entry removed, a longer value in every fifth of the others, and a forged entry
        // after every seventh of the rest.
        var damaged = 0
        let names = ["recipients", "totals", "versions", "registry", "documents"]
        try t.tamper(databases: names) { env in
            try env.write { txn in
                for name in names {
                    let db = env.database(name)
                    var entries: [([UInt8], [UInt8])] = []
                    try txn.forEach(db) { k, v in entries.append((Array(k), Array(v))); return true }
                    try #require(entries.count > 100, "\(name) spans several pages")
                    for (i, (key, value)) in entries.enumerated() {
                        if i % 3 == 0 {
                            try txn.delete(db, key)
                        } else if i % 5 == 0 {
                            try txn.put(db, key, value + [7])
                        } else if i % 7 == 0 {
                            try txn.put(db, key + [0xff], [9])
                        } else {
                            continue
                        }
                        damaged += 1
                    }
                }
            }
        }
        #expect(try t.ledger.projectionDifferences(limit: 5).count == 5)
        let report = try t.ledger.rebuild()
        #expect(report.mended == damaged)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try ["R-000001", "R-000300", "R-000600"].map { try t.ledger.recipientBalance($0, on: today).json } == cards)
        #expect(try ["CARITAS", "UNICEF", "CITY"].map { try t.ledger.donorBalance($0).json } == donors)
        #expect(try t.ledger.rebuild().mended == 0)
    }

    @Test func theBooksAtASettledPointAreKeptForTheNextProcessUntilAnErasure() throws {
        try month()
        let cut = t.headPosition - 3
        let kept = t.directory + "/asof-p\(cut)"
        let answer = try t.ledger.donorBalance("CITY", as: .position(cut)).json
        #expect(FileManager.default.fileExists(atPath: kept + "/data.mdb"))
        // A later process answers from the kept replay: a change made there shows (so it was not replayed again).
        t.ledger = nil
        do {
            let env = try Environment(path: kept, databases: ["totals"])
            try env.write { txn in try txn.put(env.database("totals"), Array("donor\u{0}CITY\u{0}cash\u{0}received".utf8), [0, 0, 0, 0, 0, 0, 0, 7]) }
        }
        t.ledger = try Ledger(directory: t.directory)
        #expect(try t.ledger.donorBalance("CITY", as: .position(cut)).cashReceived == 7)
        // A kept replay whose mark no longer matches the log is dropped and replayed again.
        t.ledger = nil
        do {
            let env = try Environment(path: kept, databases: ["meta"])
            try env.write { txn in
                var mark = try txn.get(env.database("meta"), Array("replayed".utf8))!
                mark[20] ^= 0xFF
                try txn.put(env.database("meta"), Array("replayed".utf8), mark)
            }
        }
        t.ledger = try Ledger(directory: t.directory)
        #expect(try t.ledger.donorBalance("CITY", as: .position(cut)).json == answer)
        // An erasure removes every kept replay: they hold the documents index as it was.
        try t.submit("recipient.erase", ["id": "P-1", "reason": "asked to be forgotten"])
        #expect(!FileManager.default.fileExists(atPath: kept))
        #expect(try t.ledger.donorBalance("CITY", as: .position(cut)).json == answer)
    }

    /// In steps of a few summaries (the 11 entities are more than a replay in one step may hold at a chunk of 2), and in
    /// one step between milestones.
    @Test(arguments: [2, 50_000])
    func aQuestionAboutAnEarlierPointStartsFromTheLatestMilestoneBeforeIt(replayChunk: Int) throws {
        // Milestones every 10 events: an auditor asks about #28, then about #25.
        let m = try TestLedger(replayChunk: replayChunk, milestoneEvery: 10)
        try m.standardWorld()
        try m.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "1800", "document": "order 1", "date": "2026-11-01"])
        while m.headPosition < 30 {
            try m.submit("grant", ["recipient": m.headPosition % 2 == 0 ? "H-1" : "P-1", "campaign": "CASH", "amount": "10", "date": "2026-11-06"])
        }
        let granted = { (point: UInt64) throws -> Int64 in try m.ledger.donorBalance("CITY", as: .position(point)).cashGranted }
        #expect(try granted(28) == 1_000 * (28 - 14))  // one grant of 10 UAH at each position after #14
        for position in [10, 20] { #expect(FileManager.default.fileExists(atPath: m.directory + "/milestone-p\(position)/data.mdb")) }
        #expect(!FileManager.default.fileExists(atPath: m.directory + "/milestone-p30"))  // beyond the question
        // A later process asking about #25 starts from the milestone at #20: a change made there shows.
        try m.reopen(replayChunk: replayChunk, milestoneEvery: 10)
        m.ledger = nil
        do {
            let env = try Environment(path: m.directory + "/milestone-p20", databases: ["totals"])
            try env.write { txn in try txn.put(env.database("totals"), Array("donor\u{0}CITY\u{0}cash\u{0}granted".utf8), [0, 0, 0, 0, 0, 0, 0, 7]) }
        }
        try m.reopen(replayChunk: replayChunk, milestoneEvery: 10)
        #expect(try granted(25) == 7 + 1_000 * 5)
        // Without the change, the books at #25 are the log's.
        try m.submit("recipient.erase", ["id": "P-1", "reason": "asked to be forgotten"])
        #expect(!FileManager.default.fileExists(atPath: m.directory + "/milestone-p20"), "an erasure removes the milestones too")
        #expect(try granted(25) == 1_000 * (25 - 14))
    }

    @Test(arguments: [50_000, 7])
    func theBooksAsOfAPositionEqualALedgerCutAtThatPoint(replayChunk: Int) throws {
        // Replayed in one step, and in many small ones (as a long ledger is).
        let t = try TestLedger(replayChunk: replayChunk)
        let today = BusinessDate.today()
        let inputs = DemoScenario(seed: 5, households: 30, today: today).commands()
        var cut = 0
        var cutPosition: UInt64 = 0
        for (i, input) in inputs.enumerated() {
            let o = try t.ledger.submit(try Command.parse(input, actor: "t"))
            if i == inputs.count * 2 / 3 { cut = i; cutPosition = o.records.last!.position }
        }
        let other = try TestLedger()
        for input in inputs[...cut] { try other.ledger.submit(try Command.parse(input, actor: "t")) }
        #expect(other.headPosition == cutPosition)
        for donor in ["CARITAS", "UNICEF", "CITY"] {
            #expect(try t.ledger.donorBalance(donor, as: .position(cutPosition)).json == other.ledger.donorBalance(donor).json)
        }
        for site in ["WH-CENTRAL", "DP-CENTRE", "DP-VILLAGE"] {
            #expect(try t.ledger.siteBalance(site, as: .position(cutPosition)).json == other.ledger.siteBalance(site).json)
        }
        #expect(try t.ledger.campaignBalance("WINTER", as: .position(cutPosition)).json == other.ledger.campaignBalance("WINTER").json)
        #expect(try t.ledger.recipientBalance("R-000003", on: today, as: .position(cutPosition)).json == other.ledger.recipientBalance("R-000003", on: today).json)
        // And the present differs from the cut.
        #expect(try t.ledger.campaignBalance("WINTER").json != other.ledger.campaignBalance("WINTER").json)
    }

    @Test(arguments: [50_000, 200])
    func theBooksAtADaysEndInsideALongHistoryEqualALedgerCutThere(replayChunk: Int) throws {
        // Thousands of events, so the replay reads the log far ahead of what it has projected (and, at a chunk of 200,
        // below the 1,300 households a replay in one step may hold at 1,000, in many steps); the day ends in the middle
        // of what was read ahead.
        final class Clock: @unchecked Sendable { var micros: Int64 = 0 }  // set between submissions only
        let clock = Clock()
        let today = BusinessDate.today()
        clock.micros = today.adding(days: -1).endInKyivMicros + 3_600_000_000  // 1 a.m. today in Kyiv
        let directory = NSTemporaryDirectory() + "aidledger-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ledger = try Ledger(directory: directory, create: true, replayChunk: replayChunk, clock: { clock.micros })
        let inputs = DemoScenario(seed: 3, households: 1_300, today: today).commands()
        let cut = inputs.count * 3 / 5
        for (i, input) in inputs.enumerated() {
            if i == cut + 1 { clock.micros = today.endInKyivMicros + 3_600_000_000 }  // the rest came in the next day
            clock.micros += 1
            try ledger.submit(try Command.parse(input, actor: "t"))
        }
        let other = try TestLedger()
        for input in inputs[...cut] { try other.ledger.submit(try Command.parse(input, actor: "t")) }
        try #require(other.headPosition > 2_000, "the history is long enough to be read far ahead")
        let evening = AsOf.endOfDay(today)
        for donor in ["CARITAS", "UNICEF", "CITY"] {
            #expect(try ledger.donorBalance(donor, as: evening).json == other.ledger.donorBalance(donor).json)
        }
        for site in ["WH-CENTRAL", "DP-CENTRE", "DP-VILLAGE"] {
            #expect(try ledger.siteBalance(site, as: evening).json == other.ledger.siteBalance(site).json)
        }
        #expect(try ledger.campaignBalance("WINTER", as: evening).json == other.ledger.campaignBalance("WINTER").json)
        #expect(try ledger.campaignBalance("WINTER").json != other.ledger.campaignBalance("WINTER").json)
        // The same books asked for by position, and a replay of the whole history against the stored projections, agree.
        #expect(try ledger.donorBalance("CITY", as: .position(other.headPosition)).json == other.ledger.donorBalance("CITY").json)
        #expect(try ledger.projectionDifferences() == [])
    }

    /// Households served for years hold long histories, so a replay cannot count on what a summary takes: it commits
    /// its chunk when its summaries hold the memory allowed, and replays the books exactly all the same.
    @Test func aReplayHoldsNoMoreOfTheHouseholdsHistoriesThanItsMemoryAllows() throws {
        let directory = NSTemporaryDirectory() + "aidledger-test-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let allowed = 4 << 10
        var ledger: Ledger? = try Ledger(directory: directory, create: true, replayMemory: allowed)
        for input in DemoScenario(seed: 5, households: 40, today: .today()).commands() {
            try ledger!.submit(try Command.parse(input, actor: "t"))
        }
        let bounded = try ledger!.rebuild()
        #expect(try ledger!.projectionDifferences() == [])
        ledger = nil  // LMDB opens an environment once per process
        ledger = try Ledger(directory: directory)
        let unbounded = try ledger!.rebuild()
        try #require(unbounded.heldBytes > 4 * allowed, "the households' histories take far more than the memory allowed")
        #expect(bounded.heldBytes < 2 * allowed)  // the bound, and at most one household's growth past it
        #expect(bounded.mended == 0 && unbounded.mended == 0)
        #expect(bounded.entries == unbounded.entries)
    }

    @Test func booksAtLaterPointsContinueFromTheEarlierAnswerAndEqualLedgersCutThere() throws {
        // An auditor moving forward through the history: the second question replays only what came after the first.
        let t = try TestLedger(replayChunk: 7)
        let today = BusinessDate.today()
        let inputs = DemoScenario(seed: 9, households: 30, today: today).commands()
        var cuts: [(index: Int, position: UInt64)] = []
        for (i, input) in inputs.enumerated() {
            let o = try t.ledger.submit(try Command.parse(input, actor: "t"))
            if i == inputs.count / 3 || i == inputs.count * 3 / 4 { cuts.append((i, o.records.last!.position)) }
        }
        func expectSame(as point: UInt64, as cutAt: Int) throws {
            let other = try TestLedger()
            for input in inputs[...cutAt] { try other.ledger.submit(try Command.parse(input, actor: "t")) }
            for donor in ["CARITAS", "UNICEF", "CITY"] {
                #expect(try t.ledger.donorBalance(donor, as: .position(point)).json == other.ledger.donorBalance(donor).json)
            }
            for site in ["WH-CENTRAL", "DP-CENTRE", "DP-VILLAGE"] {
                #expect(try t.ledger.siteBalance(site, as: .position(point)).json == other.ledger.siteBalance(site).json)
            }
            #expect(try t.ledger.campaignBalance("WINTER", as: .position(point)).json == other.ledger.campaignBalance("WINTER").json)
            for recipient in ["R-000001", "R-000002", "R-000003"] {
                #expect(
                    try t.ledger.recipientBalance(recipient, on: today, as: .position(point)).json
                        == other.ledger.recipientBalance(recipient, on: today).json)
            }
        }
        try expectSame(as: cuts[0].position, as: cuts[0].index)
        try expectSame(as: cuts[1].position, as: cuts[1].index)
        // Both points are kept, and a new process asking about the earlier one again gets the same books.
        #expect(FileManager.default.fileExists(atPath: t.directory + "/asof-p\(cuts[0].position)/data.mdb"))
        #expect(FileManager.default.fileExists(atPath: t.directory + "/asof-p\(cuts[1].position)/data.mdb"))
        try t.reopen()
        try expectSame(as: cuts[0].position, as: cuts[0].index)
    }
}
