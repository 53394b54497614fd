@testable import AidLedgerCore
import Testing

@Suite struct EncodingTests {
    static let date = BusinessDate(year: 2026, month: 11, day: 20)!

    static let events: [Event] = [
        .donorRegistered(DonorRegistered(donor: "CARITAS", name: "Карітас «Надія»", kind: .charity)),
        .siteRegistered(SiteRegistered(site: "DP-1", name: "Пункт", kind: .distributionPoint, settlement: "Калуш", area: .rural)),
        .itemRegistered(ItemRegistered(item: "food-kit", name: "Продуктовий набір", category: .foodKit, unit: "kit", valuePerUnit: 85_050)),
        .campaignCreated(CampaignCreated(
            campaign: "WINTER", name: "Winter", starts: date, ends: date.adding(days: 90), donors: ["A", "B"], items: ["food-kit"],
            rules: [EntitlementRule(item: "food-kit", quantity: 1, periodDays: 30, scope: .household)])),
        .campaignUpdated(CampaignUpdated(
            campaign: "WINTER", ends: date.adding(days: 120), addedDonors: ["C"], addedItems: ["hygiene-set"],
            rules: [EntitlementRule(item: "hygiene-set", quantity: 2, periodDays: 14, scope: .person)])),
        .campaignUpdated(CampaignUpdated(campaign: "WINTER", ends: date, addedDonors: [], addedItems: [], rules: [])),
        .campaignUpdated(CampaignUpdated(campaign: "WINTER", ends: date, addedDonors: ["D"], addedItems: [], rules: nil)),
        .campaignUpdated(CampaignUpdated(
            campaign: "WINTER", ends: date, addedDonors: ["E"], addedItems: [], rules: nil, removedDonors: ["A", "B"], removedItems: ["food-kit"])),
        .recipientRegistered(RecipientRegistered(
            recipient: "R-1", kind: .household, householdSize: 5, category: .fallenServicemenFamily, area: .urban, settlement: "Луцьк",
            documents: [DocumentHash(type: .passport, hash: Array(repeating: 0xab, count: 32))])),
        .recipientRegistered(RecipientRegistered(
            recipient: "R-2", kind: .individual, householdSize: 1, category: .idp, area: .rural, settlement: "Село", documents: [],
            personal: Array(repeating: 0x5a, count: 77))),
        .recipientUpdated(RecipientUpdated(recipient: "R-2", personal: [1, 2, 3], addedDocuments: [DocumentHash(type: .unzr, hash: Array(repeating: 1, count: 32))])),
        .recipientUpdated(RecipientUpdated(
            recipient: "R-1", personal: nil, addedDocuments: [],
            profile: RecipientProfile.Change(
                before: RecipientProfile(householdSize: 5, category: .idp, area: .urban, settlement: "Луцьк"),
                after: RecipientProfile(householdSize: 6, category: .servicemenFamily, area: .rural, settlement: "Село")))),
        .recipientErased(RecipientErased(recipient: "R-2", reason: "request")),
        .goodsReceived(GoodsReceived(donor: "A", campaign: nil, item: "food-kit", quantity: 3474, valuePerUnit: 85_000, expires: date, document: "накладна 5")),
        .goodsReceived(GoodsReceived(donor: "A", campaign: "WINTER", item: "food-kit", quantity: 1, valuePerUnit: 1, expires: nil, document: "")),
        .goodsReceived(GoodsReceived(donor: "A", campaign: nil, item: "food-kit", quantity: 2, valuePerUnit: 3, expires: nil, document: "act", forCategory: .servicemenFamily)),
        .cashReceived(CashReceived(donor: "CITY", campaign: "CASH", amount: 1_800_000, document: "order")),
        .goodsIssued(GoodsIssued(
            recipient: "R-1", campaign: "WINTER",
            lines: [GoodsIssued.Line(
                item: "food-kit", quantity: 2, draws: [Draw(lot: 6, amount: 1), Draw(lot: 7, amount: 1)],
                entitlement: EntitlementDecision(rule: EntitlementRule(item: "food-kit", quantity: 1, periodDays: 30, scope: .person), limit: 5, alreadyReceived: 3, overridden: true, nextEligible: date.adding(days: 30)))],
            overrideReason: "fire")),
        .cashGranted(CashGranted(recipient: "R-1", campaign: "CASH", amount: 45_000, channel: .bankTransfer, reference: "p/o 1", draws: [Draw(lot: 8, amount: 45_000)])),
        .stockTransferred(StockTransferred(toSite: "DP-2", item: "food-kit", quantity: 10, draws: [Draw(lot: 6, amount: 10)])),
        .stockAdjusted(StockAdjusted(item: "food-kit", delta: -3, reason: .damaged, note: "wet", draws: [Draw(lot: 6, amount: -3)])),
        .eventVoided(EventVoided(target: 9, targetType: .goodsIssued, reason: "wrong household")),
    ]

    @Test func everyEventTypeRoundTripsExactly() throws {
        #expect(Set(Self.events.map(\.type)) == Set(EventType.allCases))
        var previous = EventRecord.genesisHash
        for (i, event) in Self.events.enumerated() {
            let (record, stored) = EventRecord.seal(
                position: UInt64(i + 1), eventID: EventID.make(atMicros: 1_700_000_000_000_000), commandID: "cmd-\(i)",
                recordedAt: 1_700_000_000_000_000 + Int64(i), businessDate: Self.date, actor: "Оксана", site: "DP-1", event: event, previousHash: previous)
            let decoded = try EventRecord.decode(position: UInt64(i + 1), stored: stored)
            #expect(decoded == record)
            #expect(decoded.event == event)
            #expect(decoded.body() + decoded.hash == stored)
            previous = record.hash
        }
    }

    /// Amounts at the ends of their range, texts in Ukrainian and fields of every width read back exactly, however
    /// far past its first memory the writer had to grow.
    @Test func everyFieldReadsBackExactlyPastTheWritersFirstMemory() throws {
        var w = ByteWriter(capacity: 1)
        let amounts: [Int64] = [0, 1, -1, 63, -64, 64, 127, 128, Int64.max, Int64.min, 12_345_678_901, -85_050]
        for round in 0..<50 {
            for a in amounts { w.int(a) }
            w.varint(UInt64.max)
            w.u16(0xbeef)
            w.u32(0xdead_beef)
            w.u64(UInt64(round) << 40 | 0x0102_0304)
            w.string("Карітас «Надія» \(round)")
            w.blob([UInt8](repeating: UInt8(round), count: round))
            w.bool(round % 2 == 0)
        }
        try ByteReader.reading(w.bytes) { (r: inout ByteReader) throws in
            for round in 0..<50 {
                for a in amounts { #expect(try r.int() == a) }
                #expect(try r.varint() == UInt64.max)
                #expect(try r.u16() == 0xbeef)
                #expect(try r.u32() == 0xdead_beef)
                #expect(try r.u64() == UInt64(round) << 40 | 0x0102_0304)
                #expect(try r.string() == "Карітас «Надія» \(round)")
                #expect(try r.blob() == [UInt8](repeating: UInt8(round), count: round))
                #expect(try r.bool() == (round % 2 == 0))
            }
            #expect(r.isAtEnd)
        }
    }

    /// A household served for years holds hundreds of issued lines: its summary is written whole, and the same,
    /// whether encoded alone (at the counter) or through a replay's writer reused from one household to the next.
    @Test func aLongHistoryIsStoredWholeThroughAWriterReusedFromHouseholdToHousehold() throws {
        var long = RecipientSummary()
        for i in 0..<300 {
            let campaign = i % 2 == 0 ? "WINTER" : "SPRING-2027-RETURNEES"
            long.addIssued(campaign: campaign, item: "food-kit", day: Self.date.adding(days: i), position: UInt64(1_000_000 + i * 7_919), quantity: Int64(i % 3 + 1))
            long.addGoods(campaign: campaign, donor: i % 5 == 0 ? "UNICEF" : "CARITAS", item: "food-kit", units: Int64(i % 3 + 1), value: Int64(i % 3 + 1) * 85_050)
        }
        long.issuances = 300
        var short = RecipientSummary()
        short.addIssued(campaign: "WINTER", item: "hygiene-set", day: Self.date, position: 7, quantity: 1)
        short.issuances = 1
        var w = ByteWriter(capacity: 16)
        for summary in [short, long, short, long] {
            w.removeAll()
            summary.encode(into: &w)
            #expect(w.bytes == summary.encoded())
        }
        let back = try RecipientSummary(decoding: long.encoded())
        #expect(back.encoded() == long.encoded())
        #expect(back.history(campaign: "WINTER", item: "food-kit").count == 150)
        #expect(back.history(campaign: "SPRING-2027-RETURNEES", item: "food-kit").reduce(0) { $0 + $1.quantity } == 300)
        #expect(try back.items().map(\.units) == [600])
        #expect(try back.items().map(\.value) == [600 * 85_050])
    }

    @Test func anIntakeRecordedBeforeGroupEarmarksReadsAsHavingNone() throws {
        // Schema 1 ended with the document: the same bytes without schema 2's presence byte.
        let p = GoodsReceived(donor: "A", campaign: "W", item: "food-kit", quantity: 2, valuePerUnit: 3, expires: Self.date, document: "act 1")
        var w = ByteWriter(capacity: 64)
        p.encode(into: &w)
        try ByteReader.reading(Array(w.bytes.dropLast())) { (r: inout ByteReader) throws in
            #expect(try GoodsReceived.decode(&r, version: 1) == p)
            #expect(r.isAtEnd)
        }
    }

    @Test func aCampaignChangeRecordedBeforeRemovalsReadsAsRemovingNothing() throws {
        // Schema 1 ended with the rules: the same bytes without schema 2's two empty lists.
        let p = CampaignUpdated(campaign: "W", ends: Self.date, addedDonors: ["D"], addedItems: ["bedding"], rules: nil)
        var w = ByteWriter(capacity: 64)
        p.encode(into: &w)
        try ByteReader.reading(Array(w.bytes.dropLast(2))) { (r: inout ByteReader) throws in
            #expect(try CampaignUpdated.decode(&r, version: 1) == p)
            #expect(r.isAtEnd)
        }
    }

    @Test func aRecipientUpdateRecordedBeforeHouseholdChangesReadsAsChangingNone() throws {
        // Schema 1 ended with the documents added: the same bytes without schema 2's presence byte.
        let p = RecipientUpdated(recipient: "R-1", personal: [9, 9], addedDocuments: [DocumentHash(type: .passport, hash: Array(repeating: 7, count: 32))])
        var w = ByteWriter(capacity: 64)
        p.encode(into: &w)
        try ByteReader.reading(Array(w.bytes.dropLast())) { (r: inout ByteReader) throws in
            #expect(try RecipientUpdated.decode(&r, version: 1) == p)
            #expect(r.isAtEnd)
        }
    }

    /// A replay and a report read the log in a shorter form: without the envelope's ids and actor, and without what an
    /// issuance's entitlement rule decided. Every other field must read exactly as stored, whatever follows the
    /// decisions left out.
    @Test func theReplaysFormReadsEveryFieldTheProjectionsUseAndLeavesOutTheDecisions() throws {
        let decision = EntitlementDecision(
            rule: EntitlementRule(item: "hygiene-set", quantity: 1, periodDays: 31, scope: .person), limit: 4, alreadyReceived: 4, overridden: true,
            nextEligible: Self.date.adding(days: 31))
        let twoLines = Event.goodsIssued(GoodsIssued(
            recipient: "R-7", campaign: "WINTER",
            lines: [
                GoodsIssued.Line(item: "hygiene-set", quantity: 3, draws: [Draw(lot: 11, amount: 3)], entitlement: decision),
                GoodsIssued.Line(item: "diapers", quantity: 40, draws: [Draw(lot: 12, amount: 25), Draw(lot: 13, amount: 15)], entitlement: nil),
            ],
            overrideReason: nil))
        for (i, event) in (Self.events + [twoLines]).enumerated() {
            let (record, stored) = EventRecord.seal(
                position: UInt64(i + 1), eventID: EventID.make(atMicros: 1_700_000_000_000_000), commandID: "cmd-\(i)",
                recordedAt: 1_700_000_000_000_000 + Int64(i), businessDate: Self.date, actor: "Оксана", site: "DP-1", event: event,
                previousHash: EventRecord.genesisHash)
            let short = try EventRecord.decode(position: UInt64(i + 1), stored: stored, envelope: false)
            var expected = event
            if case .goodsIssued(var p) = event {
                for l in p.lines.indices { p.lines[l].entitlement = nil }
                p.overrideReason = p.overrideReason.map { _ in "" }  // an override is still seen, its words are not read
                expected = .goodsIssued(p)
            }
            #expect(short.event == expected)
            #expect((short.position, short.recordedAt, short.businessDate, short.site) == (record.position, record.recordedAt, record.businessDate, record.site))
            #expect(short.commandID.isEmpty && short.actor.isEmpty && short.hash.isEmpty)
        }
    }

    @Test func aTruncatedOrCorruptRecordIsAnErrorNotACrash() throws {
        let (_, stored) = EventRecord.seal(
            position: 1, eventID: EventID.make(atMicros: 0), commandID: "c", recordedAt: 0, businessDate: Self.date, actor: "a", site: "",
            event: Self.events[8], previousHash: EventRecord.genesisHash)
        for cut in 0..<stored.count - 32 {
            #expect(throws: (any Error).self) { try EventRecord.decode(position: 1, stored: Array(stored.prefix(cut)) + Array(repeating: 0, count: 32)) }
        }
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            var bytes = stored
            bytes[Int(rng.next() % UInt64(bytes.count - 32))] = UInt8(truncatingIfNeeded: rng.next())
            _ = try? EventRecord.decode(position: 1, stored: bytes)
        }
    }

    @Test func anEventFromANewerSchemaIsReportedNotMisread() throws {
        let (_, stored) = EventRecord.seal(
            position: 1, eventID: EventID.make(atMicros: 0), commandID: "c", recordedAt: 0, businessDate: Self.date, actor: "a", site: "",
            event: Self.events[0], previousHash: EventRecord.genesisHash)
        var future = stored
        future[3] = 9  // the schema version byte
        #expect(throws: DecodeError.unsupportedSchemaVersion(type: "donor_registered", version: 9)) {
            try EventRecord.decode(position: 1, stored: future)
        }
    }

    /// Kinds, categories and areas are read by their bytes: every word of each reads back as itself, and a stored word
    /// the vocabulary does not hold (one letter changed, or cut short) is an error that names the field and the word.
    @Test func everyWordReadsBackAndAnUnknownOneIsNamed() throws {
        func roundTrip<V: Vocabulary>(_: V.Type) throws {
            for word in V.allCases {
                var w = ByteWriter()
                w.string(word.rawValue)
                try ByteReader.reading(w.bytes) { (r: inout ByteReader) throws in
                    #expect(try V.decode(&r) == word)
                    #expect(r.isAtEnd)
                }
            }
        }
        try roundTrip(RecipientCategory.self)
        try roundTrip(RecipientKind.self)
        try roundTrip(Area.self)
        try roundTrip(DonorKind.self)
        try roundTrip(AdjustmentReason.self)
        for stored in ["veterat", "vetera", "veteran "] {
            var w = ByteWriter()
            w.string(stored)
            _ = ByteReader.reading(w.bytes) { r in
                #expect(throws: DecodeError.invalid("an unknown recipient category \"\(stored)\"", at: stored.utf8.count + 1)) { try RecipientCategory.decode(&r) }
            }
        }
    }

    @Test func aRecipientRecordedUnderSchemaOneStillReads() throws {
        // Schema 1 had no personal data: the same bytes without the trailing presence flag.
        let v1 = RecipientRegistered(recipient: "R-OLD", kind: .household, householdSize: 3, category: .veteran, area: .urban, settlement: "Lutsk", documents: [])
        let (_, stored) = EventRecord.seal(
            position: 1, eventID: EventID.make(atMicros: 0), commandID: "c", recordedAt: 0, businessDate: Self.date, actor: "a", site: "",
            event: .recipientRegistered(v1), previousHash: EventRecord.genesisHash)
        var body = Array(stored.dropLast(32))
        #expect(body.last == 0)
        body.removeLast()
        body[3] = 1  // schema version 1
        // Fix the payload length (one byte shorter): it is the varint just before the payload.
        var w = ByteWriter()
        v1.encode(into: &w)
        let payloadLength = w.bytes.count - 1
        let payloadStart = body.count - payloadLength
        body[payloadStart - 1] = UInt8(payloadLength)
        let old = try EventRecord.decode(position: 1, stored: body + Array(repeating: 0, count: 32))
        #expect(old.event == .recipientRegistered(v1))
    }

    @Test func amountsAreParsedExactlyAndPrintedWithSeparators() throws {
        #expect(try Kopecks.parse("1250", field: "a").value == 125_000)
        #expect(try Kopecks.parse("1250.5", field: "a").value == 125_050)
        #expect(try Kopecks.parse("0.07", field: "a").value == 7)
        #expect(Kopecks.format(25_120_000) == "251,200.00")
        #expect(Kopecks.grouped(3474) == "3,474")
        for bad in ["1.234", "1e5", "-1", "1,5", " 1", "", "."] {
            #expect(throws: LedgerError.self) { try Kopecks.parse(bad, field: "a") }
        }
        // The largest amount kopecks can hold, and beyond it a refusal, never a crash.
        #expect(try Kopecks.parse("92233720368547758.07", field: "a").value == Int64.max)
        // Leading zeros count for nothing (a padded column of a spreadsheet).
        #expect(try Kopecks.parse("00000000000000000000000001", field: "a").value == 100)
        #expect(try Kopecks.parse("000000000000000000000092233720368547758.07", field: "a").value == Int64.max)
        for tooLarge in ["92233720368547758.08", "99999999999999999.99", "99999999999999999", "123456789012345678", "99999999999999999999999"] {
            let error = #expect(throws: LedgerError.self) { try Kopecks.parse(tooLarge, field: "a") }
            #expect(error?.code == .amountOverflow, "\(tooLarge)")
        }
    }

    @Test func datesAreParsedStrictly() throws {
        #expect(try BusinessDate.parse("2024-02-29", field: "d").description == "2024-02-29")
        for bad in ["2023-02-29", "2023-02-30", "2023-2-3", "2023-13-01", "23-02-01", "2023/02/01", "2023-02-01T00:00"] {
            #expect(throws: LedgerError.self) { try BusinessDate.parse(bad, field: "d") }
        }
        let d = BusinessDate(year: 2026, month: 3, day: 1)!
        #expect(d.adding(days: -1).description == "2026-02-28")
    }
}
