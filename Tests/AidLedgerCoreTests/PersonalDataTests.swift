import AidLedgerCore
import Testing

/// Updating a recipient's personal data at the counter: what is given changes, what is not given stays.
@Suite struct PersonalDataTests {
    let t: TestLedger

    init() throws {
        t = try TestLedger()
        try t.standardWorld()
        try t.submit(
            "recipient.register", ["id": "H-7", "kind": "household", "size": "3", "category": "idp", "area": "urban", "settlement": "Kalush",
                                   "name": "Олена Коваль", "phone": "+380501234567", "address": "вул. Шевченка 1"],
            lists: ["document": ["passport:KK123456"], "member": ["Петро Коваль|2015-04-02|son"]])
    }

    func personal(_ id: String = "H-7") throws -> PersonalData? { try t.ledger.personalData(of: id) }

    @Test func aNewPhoneKeepsTheNameAddressAndMembers() throws {
        try t.submit("recipient.update", ["id": "H-7", "phone": "+380671112233"])
        let p = try #require(try personal())
        #expect(p.phone == "+380671112233")
        #expect(p.fullName == "Олена Коваль")
        #expect(p.address == "вул. Шевченка 1")
        #expect(p.members == [PersonalData.Member(name: "Петро Коваль", birthDate: "2015-04-02", relation: "son")])
    }

    @Test func aFieldGivenEmptyIsClearedAndTheNameCannotBe() throws {
        try t.submit("recipient.update", ["id": "H-7", "address": ""])
        #expect(try personal()?.address == nil)
        #expect(try personal()?.phone == "+380501234567")
        #expect(t.rejection("recipient.update", ["id": "H-7", "name": ""])?.code == .invalidField)
        #expect(try personal()?.fullName == "Олена Коваль")
    }

    @Test func newMembersReplaceTheOldAndANewNameKeepsTheRest() throws {
        try t.submit("recipient.update", ["id": "H-7", "name": "Олена Коваль-Бондар"], lists: ["member": ["Ірина Коваль|2019-01-05|daughter"]])
        let p = try #require(try personal())
        #expect(p.fullName == "Олена Коваль-Бондар")
        #expect(p.members.map(\.name) == ["Ірина Коваль"])
        #expect(p.phone == "+380501234567")
    }

    @Test func aRecipientWithoutPersonalDataNeedsTheNameFirst() throws {
        // H-1 was registered without personal data.
        #expect(t.rejection("recipient.update", ["id": "H-1", "phone": "+380501234567"])?.code == .missingField)
        try t.submit("recipient.update", ["id": "H-1", "name": "Андрій Мельник", "phone": "+380501234567"])
        #expect(try personal("H-1") == PersonalData(fullName: "Андрій Мельник", birthDate: nil, phone: "+380501234567", address: nil, members: []))
    }
}
