@testable import AidLedgerCore
import Testing

/// A running campaign changes: a donor joins it, it gives a new item, its rules change, it is extended.
@Suite struct CampaignTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    @Test func aDonorWhoJoinsARunningCampaignFundsItFromThenOnAndTheBooksBeforeStillShowTheOldDonors() throws {
        try t.submit("donor.add", ["id": "UNICEF", "name": "UNICEF", "kind": "international"])
        #expect(t.rejection("intake.cash", ["donor": "UNICEF", "campaign": "WINTER", "amount": "500", "document": "p1"])?.code == .donorNotInCampaign)
        let before = t.headPosition
        let update = try t.submit("campaign.update", ["id": "WINTER"], lists: ["donor": ["UNICEF", "CARITAS", "UNICEF"]])
        guard case .campaignUpdated(let change) = update.records[0].event else { Issue.record("recorded \(update.records[0].event.type)"); return }
        #expect(change.addedDonors == ["UNICEF"])  // CARITAS funds it already; UNICEF once
        let endsBefore = try t.ledger.campaignBalance("WINTER", as: .position(before)).campaign.ends
        #expect(change.rules == nil && change.ends == endsBefore)
        try t.submit("intake.cash", ["donor": "UNICEF", "campaign": "WINTER", "amount": "500", "document": "p1"])
        #expect(try t.ledger.campaignBalance("WINTER").campaign.donors == ["CARITAS", "CITY", "UNICEF"])
        #expect(try t.ledger.campaignBalance("WINTER").cashReceived == 50_000)
        #expect(try t.ledger.campaignBalance("WINTER", as: .position(before)).campaign.donors == ["CARITAS", "CITY"])
        #expect(try t.ledger.campaignBalance("WINTER").json.serialized.contains(#""donors":["CARITAS","CITY","UNICEF"]"#))
        #expect(try t.ledger.donorBalance("UNICEF").cashReceived == 50_000)
        // The log names the donor and the campaign: the change is found by either.
        #expect(try t.ledger.records(LogFilter(entity: "UNICEF")).map(\.event.type).contains(.campaignUpdated))
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.rebuild().mended == 0)
    }

    @Test func newRulesHoldFromTheChangeOnAndWhatWasIssuedBeforeKeepsItsDecision() throws {
        let issue = ["site": "DP", "recipient": "H-1", "campaign": "WINTER"]
        let first = try t.submit("issue", issue.merging(["date": "2026-11-03"]) { $1 }, lists: ["item": ["food-kit"]])
        #expect(t.rejection("issue", issue.merging(["date": "2026-11-10"]) { $1 }, lists: ["item": ["food-kit"]])?.code == .entitlementExceeded)
        // A rule for an item the campaign does not give is refused until the item is added with it.
        #expect(t.rejection("campaign.update", ["id": "WINTER"], lists: ["rule": ["bedding:1/90d/household"]])?.code == .itemNotInCampaign)
        try t.submit("campaign.update", ["id": "WINTER"], lists: ["item": ["bedding"], "rule": ["food-kit:2/30d/household", "bedding:1/90d/household"]])
        try t.submit("intake.goods", ["site": "DP", "donor": "CITY", "item": "bedding", "quantity": "5", "document": "waybill 9", "date": "2026-11-01"])
        let second = try t.submit("issue", issue.merging(["date": "2026-11-10"]) { $1 }, lists: ["item": ["food-kit", "bedding"]])
        guard case .goodsIssued(let now) = second.records[0].event, case .goodsIssued(let then) = try t.ledger.records(LogFilter(from: first.records[0].position, to: first.records[0].position))[0].event
        else { Issue.record("not issuances"); return }
        #expect(now.lines.map { $0.entitlement?.limit } == [2, 1])
        #expect(then.lines[0].entitlement?.limit == 1)  // the event keeps what the rule decided at the time
        // The hygiene-set rule was not among the rules given: it is gone, so sets are now limited by no rule.
        #expect(try t.ledger.campaignBalance("WINTER").campaign.rules.map(\.description) == ["food-kit:2/30d/household", "bedding:1/90d/household"])
        #expect(try t.ledger.projectionDifferences().isEmpty)
    }

    @Test func theLastDayMovesAndAChangeThatChangesNothingIsRefused() throws {
        try t.submit("campaign.update", ["id": "WINTER", "to": "2031-06-30"])
        #expect(try t.ledger.campaignBalance("WINTER").campaign.ends == BusinessDate(year: 2031, month: 6, day: 30)!)
        let early = t.rejection("campaign.update", ["id": "WINTER", "to": "2024-12-31"])
        #expect(early?.code == .invalidDate)
        #expect(early?.message == "campaign WINTER starts on 2025-01-01; its last day cannot be 2024-12-31")
        #expect(t.rejection("campaign.update", ["id": "WINTER", "to": "2031-06-30"], lists: ["donor": ["CITY"]])?.code == .alreadyExists)
        #expect(t.rejection("campaign.update", ["id": "WINTER"])?.code == .missingField)
        #expect(t.rejection("campaign.update", ["id": "NOPE", "to": "2031-06-30"])?.code == .unknownCampaign)
        #expect(t.rejection("campaign.update", ["id": "WINTER"], lists: ["donor": ["NOPE"]])?.code == .unknownDonor)
        // A change is a fact, not something to void: a later change sets it right.
        #expect(t.rejection("void", ["position": String(t.headPosition), "reason": "typo"])?.code == .notVoidable)
        // Stale: the campaign changed since the client looked.
        let stale = t.rejection("campaign.update", ["id": "WINTER", "to": "2031-07-31", "expect-version": "1"])
        #expect(stale?.code == .versionConflict)
    }

    @Test func aDonorWhoLeavesFundsNoMoreAndAnItemIsDroppedOnlyWhenNoRuleNorEarmarkedStockHoldsIt() throws {
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "WINTER", "amount": "300", "document": "p1"])
        let before = t.headPosition
        // A donor added by mistake is taken off again: it takes no more cash from them, and what they gave stays.
        let change = try t.submit("campaign.update", ["id": "WINTER"], lists: ["remove-donor": ["CITY"]])
        guard case .campaignUpdated(let u) = change.records[0].event else { Issue.record("recorded \(change.records[0].event.type)"); return }
        #expect(u.removedDonors == ["CITY"] && u.addedDonors.isEmpty && u.rules == nil)
        #expect(u.change == "ends 2030-12-31; donors removed: CITY")
        let refused = t.rejection("intake.cash", ["donor": "CITY", "campaign": "WINTER", "amount": "100", "document": "p2"])
        #expect(refused?.code == .donorNotInCampaign)
        #expect(refused?.message == "donor CITY does not fund campaign WINTER; its cash must come from CARITAS", "\(String(describing: refused))")
        try t.submit("grant", ["recipient": "H-1", "campaign": "WINTER", "amount": "300"])  // the city's cash received before is granted
        #expect(try t.ledger.campaignBalance("WINTER").campaign.donors == ["CARITAS"])
        #expect(try t.ledger.campaignBalance("WINTER", as: .position(before)).campaign.donors == ["CARITAS", "CITY"])
        // The donor's history lists the change that took them off.
        #expect(try t.ledger.records(LogFilter(entity: "CITY")).map(\.position).contains(change.records[0].position))
        #expect(t.rejection("campaign.update", ["id": "WINTER"], lists: ["remove-donor": ["CITY"]])?.code == .donorNotInCampaign)
        #expect(t.rejection("campaign.update", ["id": "WINTER"], lists: ["donor": ["CITY"], "remove-donor": ["CITY"]])?.code == .invalidField)

        // An item a rule still names is not dropped; nor while stock earmarked for the campaign is on hand.
        let ruled = t.rejection("campaign.update", ["id": "WINTER"], lists: ["remove-item": ["hygiene-set"]])
        #expect(ruled?.code == .itemNotInCampaign)
        #expect(ruled?.message == "campaign WINTER has the rule hygiene-set:1/30d/person for hygiene-set: give the rules from now on without it to stop giving hygiene-set")
        try t.submit("intake.goods", ["site": "WH", "donor": "CARITAS", "campaign": "WINTER", "item": "hygiene-set", "quantity": "6", "document": "waybill 7", "date": "2026-11-02"])
        try t.submit("intake.goods", ["site": "DP", "donor": "CARITAS", "campaign": "WINTER", "item": "hygiene-set", "quantity": "2", "document": "waybill 8", "date": "2026-11-02"])
        let left = t.rejection("campaign.update", ["id": "WINTER"], lists: ["remove-item": ["hygiene-set"], "rule": ["food-kit:1/30d/household"]])
        #expect(left?.code == .earmarkedStockLeft)
        #expect(left?.message == "8 × hygiene-set earmarked for campaign WINTER are still on hand (DP: 2, WH: 6); issue, transfer or write them off before it stops giving hygiene-set", "\(String(describing: left))")
        try t.submit("adjust", ["site": "WH", "item": "hygiene-set", "delta": "-6", "reason": "damaged"])
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-03"], lists: ["item": ["hygiene-set:2"]])
        // The sets without an earmark (20 at DP) stay on hand: they are not the campaign's.
        try t.submit("campaign.update", ["id": "WINTER"], lists: ["remove-item": ["hygiene-set"], "rule": ["food-kit:1/30d/household"]])
        #expect(try t.ledger.campaignBalance("WINTER").campaign.items == ["food-kit"])
        #expect(t.rejection("issue", ["site": "DP", "recipient": "P-1", "campaign": "WINTER", "date": "2026-11-04"], lists: ["item": ["hygiene-set"]])?.code == .itemNotInCampaign)
        #expect(t.rejection("campaign.update", ["id": "WINTER"], lists: ["remove-item": ["bedding"]])?.code == .itemNotInCampaign)
        #expect(try t.ledger.projectionDifferences().isEmpty)
        #expect(try t.ledger.reconcile().isBalanced)
    }
}
