/// A small, realistic programme to try the ledger on: a city centre's last quarter.
///
/// Deterministic for a seed and a day: three donors of different kinds, a central warehouse and two
/// distribution points (one rural), a catalogue, a winter campaign with entitlement rules and a cash
/// campaign, households of every category, intakes, transfers, issuances that respect the rules,
/// cash grants, a write-off and a void.
public struct DemoScenario {
    public var seed: UInt64
    public var households: Int
    public var today: BusinessDate

    public init(seed: UInt64 = 2026, households: Int = 120, today: BusinessDate = .today()) {
        self.seed = seed
        self.households = households
        self.today = today
    }

    /// The commands, in order, each with its own command id.
    public func commands() -> [CommandInput] {
        var rng = SplitMix64(seed: seed)
        var out: [CommandInput] = []
        var n = 0
        let start = today.adding(days: -89)
        func add(_ verb: String, _ date: BusinessDate?, _ fields: [String: String], _ lists: [String: [String]] = [:]) {
            n += 1
            var input = CommandInput(verb: verb, fields: fields.mapValues { [$0] })
            for (k, v) in lists { input.append(k, v) }
            input.set("command-id", "demo-\(seed)-\(n)")
            input.set("actor", "demo")
            input.set("date", date?.description)
            out.append(input)
        }
        add("donor.add", start, ["id": "CARITAS", "name": "Caritas charitable foundation", "kind": "charity"])
        add("donor.add", start, ["id": "UNICEF", "name": "UNICEF", "kind": "international"])
        add("donor.add", start, ["id": "CITY", "name": "City budget: social protection programme", "kind": "city_budget"])
        add("site.add", start, ["id": "WH-CENTRAL", "name": "Central warehouse", "kind": "warehouse", "settlement": "Kalush", "area": "urban"])
        add("site.add", start, ["id": "DP-CENTRE", "name": "IDP support centre", "kind": "distribution_point", "settlement": "Kalush", "area": "urban"])
        add("site.add", start, ["id": "DP-VILLAGE", "name": "Starosta district office", "kind": "distribution_point", "settlement": "Kropyvnyk", "area": "rural"])
        let catalogue: [(String, String, String, String, String)] = [
            ("food-kit", "Food kit", "food_kit", "kit", "850.00"),
            ("hygiene-set", "Hygiene set", "hygiene_set", "set", "420.00"),
            ("baby-food", "Baby food pack", "baby_food", "pack", "180.00"),
            ("diapers", "Diapers pack", "diapers", "pack", "520.00"),
            ("winter-box", "Children's winter clothing box", "winter_clothing", "box", "1500.00"),
        ]
        for (id, name, category, unit, value) in catalogue {
            add("item.add", start, ["id": id, "name": name, "category": category, "unit": unit, "value": value])
        }
        add("campaign.add", start, ["id": "WINTER", "name": "Winter support for displaced families", "from": start.description, "to": today.adding(days: 90).description],
            ["donor": ["CARITAS", "UNICEF", "CITY"], "item": catalogue.map(\.0), "rule": ["food-kit:1/30d/household", "hygiene-set:1/30d/person"]])
        add("campaign.add", start, ["id": "CASH-AID", "name": "Targeted cash aid", "from": start.description, "to": today.adding(days: 90).description],
            ["donor": ["CITY"]])
        // Stock in proportion to the households served (the default demo is one city centre's quarter).
        let scale = max(1, (households + 119) / 120)
        func q(_ n: Int) -> String { String(n * scale) }
        add("intake.goods", start, ["site": "WH-CENTRAL", "donor": "CARITAS", "item": "food-kit", "quantity": q(400), "document": "waybill 118"])
        add("intake.goods", start, ["site": "WH-CENTRAL", "donor": "CARITAS", "item": "hygiene-set", "quantity": q(600), "document": "waybill 119"])
        add("intake.goods", start, ["site": "WH-CENTRAL", "donor": "CITY", "campaign": "WINTER", "item": "food-kit", "quantity": q(150), "value": "790.00", "document": "act 23/1"])
        add("intake.goods", start.adding(days: 3), ["site": "WH-CENTRAL", "donor": "UNICEF", "campaign": "WINTER", "item": "winter-box", "quantity": q(80), "document": "acceptance act 7"])
        add("intake.goods", start.adding(days: 3), ["site": "WH-CENTRAL", "donor": "CARITAS", "item": "baby-food", "quantity": q(120), "expires": today.adding(days: 200).description, "document": "waybill 131"])
        add("intake.cash", start, ["donor": "CITY", "campaign": "CASH-AID", "amount": q(18000), "document": "budget order 41"])
        for (site, food, hygiene, boxes, baby) in [("DP-CENTRE", q(300), q(380), q(50), q(80)), ("DP-VILLAGE", q(150), q(180), q(20), q(30))] {
            add("transfer", start.adding(days: 4), ["from": "WH-CENTRAL", "to": site, "item": "food-kit", "quantity": food])
            add("transfer", start.adding(days: 4), ["from": "WH-CENTRAL", "to": site, "item": "hygiene-set", "quantity": hygiene])
            add("transfer", start.adding(days: 4), ["from": "WH-CENTRAL", "to": site, "item": "winter-box", "quantity": boxes])
            add("transfer", start.adding(days: 4), ["from": "WH-CENTRAL", "to": site, "item": "baby-food", "quantity": baby])
        }
        let categories = ["idp", "idp", "idp", "difficult_circumstances", "disability", "servicemen_family", "fallen_servicemen_family", "orphan_care", "older_alone", "veteran", "other"]
        var people: [(id: String, size: Int, site: String, offset: Int, category: String)] = []
        for h in 0..<households {
            let rural = rng.next(100) < 30
            let size = rng.next(100) < 25 ? 1 : 2 + rng.next(4)
            let id = "R-\(String(format6(h + 1)))"
            people.append((id, size, rural ? "DP-VILLAGE" : "DP-CENTRE", rng.next(25), ""))
            let registered = start.adding(days: 5 + rng.next(20))  // drawn before the category, as always
            let category = categories[rng.next(categories.count)]
            people[h].category = category
            add("recipient.register", registered, [
                "id": id, "kind": size == 1 ? "individual" : "household", "size": String(size),
                "category": category, "area": rural ? "rural" : "urban",
                "settlement": rural ? "Kropyvnyk" : "Kalush",
            ], ["document": ["idp_certificate:\(4400 + seed % 100)-\(100000 + h * 7919 % 900000)"]])
        }
        // Monthly rounds: each household comes on its own day, 30 days apart, within the rules.
                for round in 0..<2 {
            for (i, p) in people.enumerated() where rng.next(100) < 85 {
                let day = start.adding(days: 30 + round * 30 + p.offset)
                guard day <= today else { continue }
                var items = ["food-kit:1", "hygiene-set:\(min(p.size, 2))"]
                if round == 0 && p.size >= 3 && rng.next(100) < 40 { items.append("winter-box:1") }
                if p.size >= 4 && rng.next(100) < 30 { items.append("baby-food:2") }
                add("issue", day, ["site": p.site, "recipient": p.id, "campaign": "WINTER"], ["item": items])
                if i % 9 == 0 && round == 1 {
                    add("grant", day, ["recipient": p.id, "campaign": "CASH-AID", "amount": "450.00", "channel": "cash_desk", "reference": "cash order \(i)"])
                }
            }
            // Between the rounds some households change: a child is born, a parent is called up (no draw from the
            // generator, and the next round's draws as before, so the rest of the demo stays as it was).
            let between = start.adding(days: 57)
            guard round == 0 && between <= today else { continue }
            for (i, p) in people.enumerated() where p.size >= 2 && (i % 7 == 3 || i % 13 == 5) {
                var change = ["id": p.id]
                if i % 7 == 3 { change["size"] = String(p.size + 1) }
                if i % 13 == 5 && p.category != "servicemen_family" { change["category"] = "servicemen_family" }
                if change.count > 1 { add("recipient.update", between, change) }
            }
        }
        add("adjust", today.adding(days: -10), ["site": "DP-CENTRE", "item": "baby-food", "delta": "-4", "reason": "damaged", "note": "packs crushed in delivery"])
        return out
    }
}

private func format6(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
}

/// A small deterministic random number generator (SplitMix64), so a seed always gives the same ledger.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A number in 0..<bound.
    public mutating func next(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
