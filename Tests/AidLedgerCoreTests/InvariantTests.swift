import AidLedgerCore
import Testing

/// Every check rejects with its stable code and leaves the log and the projections as they were.
@Suite struct InvariantTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    /// Runs a command that must be refused with `code`, and checks that nothing changed.
    func expectRejected(_ code: LedgerError.Code, _ verb: String, _ fields: [String: String], lists: [String: [String]] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let head = try t.ledger.head()
        let stock = try t.ledger.siteBalance("DP").lots.map { "\($0.lot.id):\($0.quantity)" }
        let cash = try t.ledger.campaignBalance("CASH").cashLeft
        let e = t.rejection(verb, fields, lists: lists)
        #expect(e?.code == code, "\(e?.description ?? "accepted")", sourceLocation: sourceLocation)
        #expect(e?.message.isEmpty == false, sourceLocation: sourceLocation)
        #expect(try t.ledger.head().hash == head.hash, sourceLocation: sourceLocation)
        #expect(try t.ledger.siteBalance("DP").lots.map { "\($0.lot.id):\($0.quantity)" } == stock, sourceLocation: sourceLocation)
        #expect(try t.ledger.campaignBalance("CASH").cashLeft == cash, sourceLocation: sourceLocation)
    }

    let issue = ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"]

    @Test func unknownReferencesAreRejected() throws {
        try expectRejected(.unknownRecipient, "issue", issue.merging(["recipient": "H-404"]) { $1 }, lists: ["item": ["food-kit"]])
        try expectRejected(.unknownSite, "issue", issue.merging(["site": "NOWHERE"]) { $1 }, lists: ["item": ["food-kit"]])
        try expectRejected(.unknownCampaign, "issue", issue.merging(["campaign": "NONE"]) { $1 }, lists: ["item": ["food-kit"]])
        try expectRejected(.unknownItem, "issue", issue, lists: ["item": ["tent"]])
        try expectRejected(.unknownDonor, "intake.goods", ["site": "DP", "donor": "NOBODY", "item": "food-kit", "quantity": "1", "document": "w"])
        try expectRejected(.unknownEvent, "void", ["position": "9999", "reason": "typo"])
    }

    @Test func anItemTheCampaignDoesNotGiveIsRejected() throws {
        try t.submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "bedding", "quantity": "3", "document": "w 9"])
        try expectRejected(.itemNotInCampaign, "issue", issue, lists: ["item": ["bedding"]])
    }

    @Test func aDateOutsideTheCampaignIsRejected() throws {
        try t.submit("campaign.add", ["id": "SHORT", "name": "Short", "from": "2026-01-01", "to": "2026-01-31"], lists: ["donor": ["CARITAS"], "item": ["food-kit"]])
        try expectRejected(.dateOutsideCampaign, "issue", issue.merging(["campaign": "SHORT"]) { $1 }, lists: ["item": ["food-kit"]])
    }

    @Test func aTransferToTheSameSiteIsRejected() throws {
        try expectRejected(.sameSite, "transfer", ["from": "DP", "to": "DP", "item": "food-kit", "quantity": "1"])
    }

    @Test func aTransferOfMoreThanTheSiteHoldsIsRejected() throws {
        try expectRejected(.insufficientStock, "transfer", ["from": "DP", "to": "WH", "item": "food-kit", "quantity": "11"])
    }

    @Test func registeringTheSameDocumentTwiceNamesTheRecipientWhoHasIt() throws {
        let e = t.rejection("recipient.register", ["id": "H-2", "kind": "household", "size": "3", "category": "idp", "area": "urban", "settlement": "Kalush"],
                            lists: ["document": ["idp_certificate:0312 5551234"]])
        #expect(e?.code == .duplicateDocument)
        #expect(e?.message.contains("H-1") == true)
        #expect(try t.ledger.recipient(holding: .idpCertificate, "0312-5551234") == "H-1")
    }

    @Test func noCashIsGrantedBeyondWhatTheCampaignReceived() throws {
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "1000.00", "document": "order 1"])
        try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "600", "date": "2026-11-10"])
        let e = t.rejection("grant", ["recipient": "P-1", "campaign": "CASH", "amount": "400.01", "date": "2026-11-10"])
        #expect(e?.code == .insufficientCash)
        #expect(e?.message.contains("0.01 UAH short") == true)
        try expectRejected(.insufficientCash, "grant", ["recipient": "P-1", "campaign": "CASH", "amount": "400.01"])
        try t.submit("grant", ["recipient": "P-1", "campaign": "CASH", "amount": "400", "date": "2026-11-10"])
        #expect(try t.ledger.campaignBalance("CASH").cashLeft == 0)
    }

    @Test func cashFromADonorNotFundingTheCampaignIsRejected() throws {
        try expectRejected(.donorNotInCampaign, "intake.cash", ["donor": "CARITAS", "campaign": "CASH", "amount": "10", "document": "x"])
        #expect(t.rejection("intake.cash", ["donor": "CARITAS", "campaign": "CASH", "amount": "10", "document": "x"])?.message
            == "donor CARITAS does not fund campaign CASH; its cash must come from CITY")
        // A campaign created without donors: the message says why no donor can fund it, not "its donors are" and nothing.
        try t.submit("campaign.add", ["id": "SPRING", "name": "Spring", "from": "2025-01-01", "to": "2030-12-31"], lists: ["item": ["food-kit"]])
        #expect(t.rejection("intake.cash", ["donor": "CITY", "campaign": "SPRING", "amount": "10", "document": "x"])?.message
            == "donor CITY does not fund campaign SPRING; the campaign names no donors, so it takes neither cash nor earmarked goods (goods without an earmark can still be issued under it)")
    }

    @Test func badNumbersAreRejectedBeforeAnythingIsWritten() throws {
        for q in ["0", "-1", "1.5", "1e3", "", "99999999999999999999"] {
            #expect(throws: LedgerError.self) { try t.submit("transfer", ["from": "DP", "to": "WH", "item": "food-kit", "quantity": q]) }
        }
        for a in ["12.345", "1e3", "-5", "1,50", "0", "0.00", ".5", "99999999999999999999"] {
            #expect(throws: LedgerError.self) { try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": a, "document": "x"]) }
        }
        #expect(t.rejection("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "12.345", "document": "x"])?.code == .invalidAmount)
        // A household's size is counted in people, at most 50, however large the number typed.
        for size in ["51", "99999999999", "99999999999999999999"] {
            let e = t.rejection("recipient.register", ["id": "H-9", "kind": "household", "size": size, "category": "idp", "area": "urban", "settlement": "Kalush"])
            #expect(e?.code == .invalidQuantity)
            #expect(e?.message.contains("people is not plausible; at most 50") == true, "\(e?.message ?? "")")
        }
    }

    @Test func quantityTimesValueCannotOverflowSilently() throws {
        try expectRejected(.amountOverflow, "intake.goods", ["site": "DP", "donor": "CARITAS", "item": "food-kit", "quantity": "1000000000", "value": "99999999999999", "document": "w"])
    }

    @Test func figuresTooLargeToAddUpAreRefusedByTheQueriesNotCrashed() throws {
        // Each donor's intake fits in 64 bits; the two together, at one site and given to one recipient, do not.
        try t.submit("item.add", ["id": "absurd", "name": "Mistyped", "category": "other", "unit": "piece", "value": "50000000000000000"])
        try t.submit("campaign.add", ["id": "A1", "name": "A1", "from": "2025-01-01", "to": "2030-12-31"], lists: ["donor": ["CARITAS"], "item": ["absurd"]])
        try t.submit("campaign.add", ["id": "A2", "name": "A2", "from": "2025-01-01", "to": "2030-12-31"], lists: ["donor": ["CITY"], "item": ["absurd"]])
        for (donor, campaign) in [("CARITAS", "A1"), ("CITY", "A2")] {
            try t.submit("intake.goods", ["site": "WH", "donor": donor, "campaign": campaign, "item": "absurd", "quantity": "1", "document": "w", "date": "2026-11-01"])
        }
        let tooLarge = { (query: () throws -> Void) in
            let e = #expect(throws: LedgerError.self) { try query() }
            #expect(e?.code == .amountOverflow)
            #expect(e?.message.contains("absurd") == true || e?.message.contains("period") == true, "\(e?.message ?? "")")
        }
        tooLarge { _ = try t.ledger.siteBalance("WH") }
        for campaign in ["A1", "A2"] {
            try t.submit("issue", ["site": "WH", "recipient": "H-1", "campaign": campaign, "date": "2026-11-10"], lists: ["item": ["absurd"]])
        }
        tooLarge { _ = try t.ledger.recipientBalance("H-1") }
        tooLarge { _ = try t.ledger.reconcile() }
        tooLarge { _ = try t.ledger.report(from: BusinessDate(year: 2026, month: 1, day: 1)!, to: BusinessDate(year: 2026, month: 12, day: 31)!) }
        // Every other figure is still there, exact.
        #expect(try t.ledger.donorBalance("CITY").items.first { $0.item == "absurd" }?.issuedValue == 5_000_000_000_000_000_000)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 10)
    }

    @Test func impossibleAndFutureDatesAreRejected() throws {
        #expect(t.rejection("issue", issue.merging(["date": "2023-02-30"]) { $1 }, lists: ["item": ["food-kit"]])?.code == .invalidDate)
        try expectRejected(.dateOutOfRange, "issue", issue.merging(["date": "2099-01-01"]) { $1 }, lists: ["item": ["food-kit"]])
        try expectRejected(.dateOutOfRange, "issue", issue.merging(["date": "1999-01-01"]) { $1 }, lists: ["item": ["food-kit"]])
    }

    @Test func idsWithSlashesDotsControlCharactersOrTenThousandCharactersAreRejected() throws {
        for bad in ["a/b", "../x", "a.b", "a\u{0}b", "line\nbreak", String(repeating: "x", count: 10_000), "-lead"] {
            #expect(t.rejection("donor.add", ["id": bad, "name": "X", "kind": "charity"])?.code == .invalidID)
        }
    }

    @Test func writeOffsAreDeltasWithAReasonAndCannotGoBelowZero() throws {
        try expectRejected(.insufficientStock, "adjust", ["site": "DP", "item": "food-kit", "delta": "-11", "reason": "damaged"])
        #expect(t.rejection("adjust", ["site": "DP", "item": "food-kit", "delta": "3", "reason": "damaged"])?.code == .invalidQuantity)
        #expect(t.rejection("adjust", ["site": "DP", "item": "food-kit", "delta": "3", "reason": "found"])?.code == .missingField)
        try t.submit("adjust", ["site": "DP", "item": "food-kit", "delta": "-2", "reason": "damaged", "note": "wet"])
        let flow = try t.ledger.donorBalance("CARITAS").items.first { $0.item == "food-kit" }
        #expect(flow?.adjustedUnits[.damaged] == -2)
        #expect(flow?.onHandUnits == 8)
    }

    @Test func aStaleExpectedVersionIsAConflict() throws {
        let version = try t.ledger.head().position
        try t.submit("issue", issue, lists: ["item": ["hygiene-set"]])
        try expectRejected(.versionConflict, "issue", issue.merging(["expect-version": String(version)]) { $1 }, lists: ["item": ["hygiene-set"]])
    }

    @Test func anExpectedVersionInsideABatchSeesTheBatchsEarlierCommands() throws {
        // The counter's batch: a kit issued, then two more for the same household, one from a screen opened before it.
        let before = try t.ledger.head().position
        let results = try t.ledger.submit([
            try t.command("issue", issue, lists: ["item": ["hygiene-set"]]),
            try t.command("issue", issue.merging(["expect-version": String(before), "override-reason": "second set"]) { $1 }, lists: ["item": ["hygiene-set"]]),
            try t.command("issue", issue.merging(["expect-version": String(before + 1), "override-reason": "second set"]) { $1 }, lists: ["item": ["hygiene-set"]]),
        ])
        #expect(results.count == 3)
        #expect((try? results[0].get()) != nil)
        if case .failure(let error) = results[1] { #expect(error.code == .versionConflict) } else { Issue.record("a stale expectation was accepted") }
        #expect((try? results[2].get())?.records.first?.position == before + 2)
    }

    @Test func aRecipientsVersionIsTheirLastChangeWhetherRegistrationUpdateOrIssuance() throws {
        let registered = try t.submit("recipient.register", ["id": "H-2", "kind": "household", "size": "3", "category": "idp", "area": "urban", "settlement": "Kalush"])
        let atRegistration = String(registered.records[0].position)
        let issued = try t.submit("issue", issue.merging(["recipient": "H-2", "expect-version": atRegistration]) { $1 }, lists: ["item": ["hygiene-set"]])
        try expectRejected(.versionConflict, "recipient.update", ["id": "H-2", "expect-version": atRegistration], lists: ["document": ["tax_number:5554443332"]])
        let updated = try t.submit("recipient.update", ["id": "H-2", "expect-version": String(issued.records[0].position)], lists: ["document": ["tax_number:5554443332"]])
        let last = try t.submit("issue", issue.merging(["recipient": "H-2", "expect-version": String(updated.records[0].position)]) { $1 }, lists: ["item": ["hygiene-set"]])
        // Another recipient's changes leave this one's version alone.
        try t.submit("issue", issue, lists: ["item": ["hygiene-set"]])
        try t.submit("issue", issue.merging(["recipient": "H-2", "expect-version": String(last.records[0].position), "override-reason": "third set"]) { $1 }, lists: ["item": ["hygiene-set"]])
    }

    @Test func unknownFieldsAndCommandsAreRejected() {
        #expect(throws: LedgerError.self) { try t.submit("issue", issue.merging(["qty": "1"]) { $1 }, lists: ["item": ["food-kit"]]) }
        #expect(throws: LedgerError.self) { try t.submit("delete", [:]) }
    }
}
