import AidLedgerCore
import Testing

@Suite struct IssuanceTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    @Test func issuingAFoodKitTakesItFromTheSiteAndShowsInEveryBalance() throws {
        let outcome = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        #expect(outcome.status == .appended)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 9)
        let donor = try t.ledger.donorBalance("CARITAS").items.first { $0.item == "food-kit" }
        #expect(donor?.issuedUnits == 1)
        #expect(donor?.issuedValue == 85_000)
        #expect(donor?.onHandUnits == 9)
        #expect(try t.ledger.recipientBalance("H-1").items.first?.units == 1)
        #expect(try t.ledger.campaignBalance("WINTER").issuances == 1)
    }

    @Test func issuingMoreFoodKitsThanTheSiteHoldsIsRejectedAndNamesTheShortfall() throws {
        let before = t.headPosition
        let e = t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10", "quantity": "12", "override-reason": "large family"], lists: ["item": ["food-kit"]])
        #expect(e?.code == .insufficientStock)
        #expect(e?.message.contains("has 10 × Food kit") == true)
        #expect(e?.message.contains("2 short") == true)
        #expect(t.headPosition == before)
        #expect(try t.ledger.siteBalance("DP").totals.first { $0.item == "food-kit" }?.units == 10)
    }

    @Test func aSecondFoodKitInsideThirtyDaysIsRefusedWithTheDateItMayBeGiven() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        let e = t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-20"], lists: ["item": ["food-kit"]])
        #expect(e?.code == .entitlementExceeded)
        #expect(e?.message.contains("2026-12-10") == true)
        // Thirty days later it is allowed again.
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["hygiene-set:4"]])
        #expect(try t.ledger.recipientBalance("H-1", on: BusinessDate.parse("2026-12-10", field: "d")).entitlements.first { $0.rule.item == "food-kit" }?.eligibleToday == true)
    }

    @Test func aSupervisorOverrideIsRecordedInTheEvent() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        let o = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-12", "override-reason": "house fire, act 17"], lists: ["item": ["food-kit"]])
        guard case .goodsIssued(let p) = o.records[0].event else { Issue.record("not an issuance"); return }
        #expect(p.overrideReason == "house fire, act 17")
        #expect(p.lines[0].entitlement?.overridden == true)
        #expect(p.lines[0].entitlement?.alreadyReceived == 1)
    }

    @Test func aPerPersonRuleGivesAHouseholdOfFourFourSets() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["hygiene-set:4"]])
        let e = t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-11"], lists: ["item": ["hygiene-set"]])
        #expect(e?.code == .entitlementExceeded)
        #expect(t.rejection("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-11"], lists: ["item": ["hygiene-set:2"]])?.code == .entitlementExceeded)
    }

    @Test func aLateEntryWithAnEarlierDateStillRespectsTheRule() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-20"], lists: ["item": ["food-kit"]])
        // A paper list from 2026-11-05 typed in afterwards: within 30 days of the 20th.
        let e = t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
        #expect(e?.code == .entitlementExceeded)
    }

    @Test func lotsEarmarkedForTheCampaignGoFirstThenTheEarliestExpiry() throws {
        try t.submit("intake.goods", ["site": "DP", "donor": "CITY", "campaign": "WINTER", "item": "food-kit", "quantity": "1", "value": "790", "document": "act 1", "date": "2026-11-02"])
        let expiring = try t.submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "food-kit", "quantity": "5", "expires": "2027-01-01", "document": "w 3", "date": "2026-11-02"])
        let o = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10", "quantity": "3", "override-reason": "test of lot order"], lists: ["item": ["food-kit"]])
        guard case .goodsIssued(let p) = o.records[0].event else { Issue.record("not an issuance"); return }
        #expect(p.lines[0].draws.count == 2)
        #expect(try t.ledger.record(at: p.lines[0].draws[0].lot).map { r in if case .goodsReceived(let g) = r.event { g.donor } else { "" } } == "CITY")
        #expect(p.lines[0].draws[1] == Draw(lot: expiring.records[0].position, amount: 2))
    }

    @Test func goodsADonorEarmarkedForAGroupGoOnlyToThatGroupAndToThemFirst() throws {
        // The city gives five kits for older people living alone (P-1's category), newer than Caritas's ten.
        let forOlder = try t.submit(
            "intake.goods", ["site": "DP", "donor": "CITY", "item": "food-kit", "quantity": "5", "document": "act 7", "date": "2026-11-02", "for-category": "older_alone"])
        let lot = forOlder.records[0].position
        let toOlder = try t.submit("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        let toIDP = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        guard case .goodsIssued(let older) = toOlder.records[0].event, case .goodsIssued(let idp) = toIDP.records[0].event else { Issue.record("not issuances"); return }
        #expect(older.lines[0].draws == [Draw(lot: lot, amount: 1)])
        #expect(idp.lines[0].draws[0].lot != lot)
        #expect(try t.ledger.siteBalance("DP").lots.first { $0.lot.id == lot }?.lot.forCategory == .olderAlone)
        // Where only a group's kits are on the shelf, anyone else is refused, and told why those kits are not theirs.
        let forFamilies = try t.submit(
            "intake.goods", ["site": "WH", "donor": "CITY", "item": "food-kit", "quantity": "3", "document": "act 8", "date": "2026-11-02", "for-category": "servicemen_family"])
        let refused = t.rejection("issue", ["site": "WH", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10", "override-reason": "test"], lists: ["item": ["food-kit"]])
        #expect(refused?.code == .insufficientStock)
        #expect(refused?.message == "site WH has 0 × Food kit (food-kit) for campaign WINTER; 1 asked: 1 short (3 more are earmarked for another group of recipients)")
        // A transfer moves any lot, and the lot keeps its group where it goes.
        try t.submit("transfer", ["from": "WH", "to": "DP", "item": "food-kit", "quantity": "3"])
        #expect(try t.ledger.siteBalance("DP").lots.first { $0.lot.id == forFamilies.records[0].position }?.lot.forCategory == .servicemenFamily)
        #expect(try t.ledger.projectionDifferences().isEmpty)
    }

    @Test func aSiteListsItsExpiringLotsForAnyWindowAskedFor() throws {
        try t.submit("intake.goods", ["site": "WH", "donor": "CARITAS", "item": "food-kit", "quantity": "5", "expires": "2027-01-01", "document": "w 5", "date": "2026-11-01"])
        try t.submit("intake.goods", ["site": "WH", "donor": "CARITAS", "item": "food-kit", "quantity": "3", "expires": "9999-12-31", "document": "w 6", "date": "2026-11-01"])
        let site = try t.ledger.siteBalance("WH")
        let day = try BusinessDate.parse("2026-11-10", field: "d")
        #expect(site.expiring(within: 30, of: day).isEmpty)
        #expect(site.expiring(within: 60, of: day).map(\.quantity) == [5])
        // A window of more days than a date can count (typed as "everything") lists every lot with a date, not a crash.
        #expect(site.expiring(within: .max, of: day).map(\.quantity) == [5, 3])
        #expect(site.expiring(within: .min, of: day).isEmpty)
    }

    @Test func aRuleAllowsAtMostABillionUnitsAndNeverOverflowsForAHousehold() throws {
        let e = t.rejection("campaign.add", ["id": "HUGE", "name": "Huge", "from": "2025-01-01", "to": "2030-12-31"],
            lists: ["donor": ["CITY"], "item": ["food-kit"], "rule": ["food-kit:9223372036854775807/30d/person"]])
        #expect(e?.code == .invalidField)
        #expect(e?.message.contains("1 to a billion units") == true)
        try t.submit("campaign.add", ["id": "LARGE", "name": "Large", "from": "2025-01-01", "to": "2030-12-31"],
            lists: ["donor": ["CITY"], "item": ["food-kit"], "rule": ["food-kit:1000000000/30d/person"]])
        // A rule recorded before the bound, per person, for a household of four: no limit rather than a crash.
        #expect(EntitlementRule(item: "food-kit", quantity: .max, periodDays: 30, scope: .person).limit(householdSize: 4) == .max)
    }

    @Test func expiredLotsAreNotIssued() throws {
        try t.submit("intake.goods", ["site": "WH", "donor": "CARITAS", "item": "food-kit", "quantity": "5", "expires": "2026-11-05", "document": "w 4", "date": "2026-11-01"])
        let e = t.rejection("issue", ["site": "WH", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-10"], lists: ["item": ["food-kit"]])
        #expect(e?.code == .insufficientStock)
        #expect(e?.message.contains("5 more have expired") == true)
    }

    @Test func aLotEarmarkedForAnotherCampaignIsNotIssuedUnderThisOne() throws {
        try t.submit("campaign.add", ["id": "SPRING", "name": "Spring", "from": "2025-01-01", "to": "2030-12-31"], lists: ["donor": ["CITY"], "item": ["bedding"]])
        try t.submit("intake.goods", ["site": "WH", "donor": "CITY", "campaign": "SPRING", "item": "bedding", "quantity": "5", "document": "act 2", "date": "2026-11-01"])
        try t.submit("campaign.add", ["id": "OTHER", "name": "Other", "from": "2025-01-01", "to": "2030-12-31"], lists: ["donor": ["CITY"], "item": ["bedding"]])
        let e = t.rejection("issue", ["site": "WH", "recipient": "H-1", "campaign": "OTHER", "date": "2026-11-10"], lists: ["item": ["bedding"]])
        #expect(e?.code == .insufficientStock)
        #expect(e?.message.contains("earmarked for other campaigns") == true)
    }
}
