import AidLedgerCore
import Foundation
import Testing

/// A household changes: a child is born, a parent is called up, the family moves to a village. The change is recorded
/// (`recipient update --size/--category/--area/--settlement`) and holds from then on; what was given before stays as it
/// was, and the books at an earlier point show the household as it was then.
@Suite struct HouseholdChangeTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
    }

    @Test func aHouseholdThatGrewMayReceiveMoreUnderARulePerPersonFromTheChangeOn() throws {
        // H-1 has 4 people; "1 hygiene set per person per 30 days" allows 4.
        let refused = t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["hygiene-set:5"]])
        #expect(refused?.code == .entitlementExceeded)
        let change = try t.submit("recipient.update", ["id": "H-1", "size": "5"])
        guard case .recipientUpdated(let u) = change.records[0].event else { Issue.record("not a recipient update"); return }
        #expect(u.profile?.before.householdSize == 4 && u.profile?.after.householdSize == 5)
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["hygiene-set:5"]])
        #expect(try t.ledger.recipientBalance("H-1").recipient.householdSize == 5)
        // The card says when and how the household changed; before the change it had not.
        let changes = try t.ledger.recipientBalance("H-1").profileChanges
        #expect(changes.map(\.position) == [change.records[0].position] && changes.first?.change == u.profile)
        #expect(try t.ledger.recipientBalance("H-1", as: .position(change.records[0].position - 1)).profileChanges.isEmpty)
        // Nothing to change, and an individual stays one person.
        #expect(t.rejection("recipient.update", ["id": "H-1", "size": "5"])?.code == .alreadyExists)
        #expect(t.rejection("recipient.update", ["id": "P-1", "size": "2"])?.code == .invalidQuantity)
        #expect(t.rejection("recipient.update", ["id": "H-1", "category": "pensioner"])?.code == .invalidField)
    }

    /// An auditor's replay copies the books at every milestone it passes and goes on from there; a household's change
    /// that falls on a milestone still holds for what the household receives after it.
    @Test func theBooksPastAMilestoneAtAHouseholdsChangeCountTheHouseholdAsChanged() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
        let change = try t.submit("recipient.update", ["id": "H-1", "category": "servicemen_family", "area": "rural", "settlement": "Kropyvnyk", "size": "5"])
        // After the change, the household first reaches the cash campaign.
        try t.submit("intake.cash", ["donor": "CITY", "campaign": "CASH", "amount": "1800", "document": "order 1", "date": "2026-11-06"])
        try t.submit("grant", ["recipient": "H-1", "campaign": "CASH", "amount": "500", "date": "2026-11-07"])
        let cash = try t.ledger.campaignBalance("CASH").reach
        #expect(cash.byCategory[.servicemenFamily] == 1 && cash.byArea[.rural] == 1 && cash.people == 5)
        let head = t.headPosition
        let books = try ["WINTER", "CASH"].map { try t.ledger.campaignBalance($0).json } + [try t.ledger.donorBalance("CITY").json]
        // Milestones every so many events that the change is one: the replay to the head ends a step there and goes on.
        let at = change.records[0].position
        try t.reopen(milestoneEvery: at)
        let replayed = try ["WINTER", "CASH"].map { try t.ledger.campaignBalance($0, as: .position(head)).json }
            + [try t.ledger.donorBalance("CITY", as: .position(head)).json]
        #expect(FileManager.default.fileExists(atPath: t.directory + "/milestone-p\(at)/data.mdb"))
        #expect(replayed == books)
    }

    @Test func theReachCountsFollowTheChangeAndAVoidAfterItLeavesNoGroupBelowZero() throws {
        let issued = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
        let winter = try t.ledger.campaignBalance("WINTER").reach
        #expect(winter.byCategory[.idp] == 1 && winter.byArea[.urban] == 1 && winter.people == 4)
        // The father is called up and the family moves to the village, with a newborn.
        let change = try t.submit("recipient.update", ["id": "H-1", "category": "servicemen_family", "area": "rural", "settlement": "Kropyvnyk", "size": "5"])
        let moved = try t.ledger.campaignBalance("WINTER").reach
        #expect(moved.recipients == 1 && moved.people == 5)
        #expect(moved.byCategory[.servicemenFamily] == 1 && (moved.byCategory[.idp] ?? 0) == 0)
        #expect(moved.byArea[.rural] == 1 && (moved.byArea[.urban] ?? 0) == 0)
        #expect(try t.ledger.donorBalance("CARITAS").reach == moved)
        // The kit was issued by mistake: voided after the change, the household leaves the groups it is in now.
        try t.submit("void", ["position": String(issued.records[0].position), "reason": "entered for the wrong family"])
        let after = try t.ledger.campaignBalance("WINTER").reach
        #expect(after.recipients == 0 && after.people == 0)
        #expect(after.byCategory.values.allSatisfy { $0 == 0 } && after.byArea.values.allSatisfy { $0 == 0 }, "\(after)")
        // The books before the change show the household as it was; a replay of the whole log agrees, in one step and
        // in steps of one recipient.
        let before = try t.ledger.campaignBalance("WINTER", as: .position(change.records[0].position - 1)).reach
        #expect(before == winter)
        #expect(try t.ledger.recipientBalance("H-1", as: .position(change.records[0].position - 1)).recipient.category == .idp)
        #expect(try t.ledger.projectionDifferences() == [])
        try t.reopen(replayChunk: 1)
        #expect(try t.ledger.projectionDifferences() == [])
        #expect(try t.ledger.campaignBalance("WINTER", as: .position(change.records[0].position)).reach == moved)
    }

    @Test func aReportCountsAHouseholdAsItWasWhenServed() throws {
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-02"], lists: ["item": ["food-kit"]])
        try t.submit("recipient.update", ["id": "H-1", "category": "servicemen_family", "size": "5"])
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-20", "override-reason": "newborn"], lists: ["item": ["food-kit"]])
        func report(_ from: String, _ to: String) throws -> PeriodReport {
            try t.ledger.report(from: try BusinessDate.parse(from, field: "from"), to: try BusinessDate.parse(to, field: "to"))
        }
        let early = try report("2026-11-01", "2026-11-10")
        #expect(early.served.byCategory == [.idp: 1] && early.served.people == 4)
        let late = try report("2026-11-11", "2026-11-30")
        #expect(late.served.byCategory == [.servicemenFamily: 1] && late.served.people == 5)
        // Served in both: counted once, as at the first service of the period.
        let both = try report("2026-11-01", "2026-11-30")
        #expect(both.served.recipients == 1 && both.served.byCategory == [.idp: 1])
    }

    @Test func goodsForAGroupReachAHouseholdThatJoinedIt() throws {
        try t.submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "food-kit", "quantity": "3", "document": "waybill 9", "for-category": "servicemen_family", "date": "2026-11-01"])
        try t.submit("adjust", ["site": "DP", "item": "food-kit", "delta": "-10", "reason": "damaged", "date": "2026-11-02"])
        // Only the group's kits are left: H-1 (idp) may not have them, and may once its father is called up.
        #expect(t.rejection("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]]) != nil)
        try t.submit("recipient.update", ["id": "H-1", "category": "servicemen_family"])
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit"]])
    }
}
