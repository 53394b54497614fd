import AidLedgerCore

/// Generates a realistic ledger of any size from a seed, deterministically: donors of every kind, a warehouse
/// and distribution points (urban and rural), a catalogue, campaigns with entitlement rules, households and
/// individuals of every category, intakes, transfers, issuances (about 60% food kits and 20% hygiene sets),
/// cash grants, write-offs and voids (about 0.5%).
///
/// Commands come out in an order the ledger accepts: every household's visits are 31 days apart (so the
/// monthly rules hold), and stock arrives before it is issued.
public struct LedgerGenerator: Sequence {
    public var seed: UInt64
    public var households: Int
    /// Roughly how many events to make in all.
    public var events: Int
    public var today: BusinessDate

    public init(seed: UInt64 = 1, households: Int, events: Int, today: BusinessDate = .today()) {
        self.seed = seed
        self.households = Swift.max(households, 1)
        self.events = Swift.max(events, households + 100)
        self.today = today
    }

    public func makeIterator() -> Iterator { Iterator(self) }

    static let donors: [(String, String, String)] = [
        ("CARITAS", "Caritas charitable foundation", "charity"), ("UNICEF", "UNICEF", "international"),
        ("UNFPA", "UNFPA", "international"), ("CITY", "City budget", "city_budget"), ("STATE", "State programme", "state_budget"),
        ("CHURCH", "Parish charity", "charity"), ("AGRO", "Agro business", "business"), ("DONOR-P1", "Private donor 1", "individual"),
    ]
    static let items: [(String, String, String, String, String)] = [
        ("food-kit", "Food kit", "food_kit", "kit", "850.00"), ("hygiene-set", "Hygiene set", "hygiene_set", "set", "420.00"),
        ("baby-food", "Baby food pack", "baby_food", "pack", "180.00"), ("diapers", "Diapers pack", "diapers", "pack", "520.00"),
        ("winter-box", "Children's winter clothing box", "winter_clothing", "box", "1500.00"), ("bedding", "Bedding set", "bedding", "set", "640.00"),
    ]
    static let categories = ["idp", "idp", "idp", "idp", "difficult_circumstances", "disability", "servicemen_family",
                             "fallen_servicemen_family", "orphan_care", "older_alone", "veteran", "other"]

    public struct Iterator: IteratorProtocol {
        let g: LedgerGenerator
        var rng: SplitMix64
        var queue: [CommandInput] = []
        var queueIndex = 0
        var phase = 0
        var n = 0
        var made = 0
        let points: [String]
        let start: BusinessDate
        var stock: [String: Int64] = [:]
        var visit = 0
        var households: [(id: String, size: Int, point: Int, offset: Int)] = []

        init(_ g: LedgerGenerator) {
            self.g = g
            rng = SplitMix64(seed: g.seed)
            let count = Swift.max(3, Swift.min(200, g.households / 5_000))
            points = (1...count).map { "DP-\($0)" }
            // Enough days that every household's visits fit 31 days apart.
            let visitsPerHousehold = Swift.max(1, (g.events - g.households) / g.households)
            start = g.today.adding(days: -Swift.min(3650, 31 * visitsPerHousehold + 40))
        }

        mutating func command(_ verb: String, _ date: BusinessDate, _ fields: [String: String], _ lists: [String: [String]] = [:]) -> CommandInput {
            n += 1
            var input = CommandInput(verb: verb, fields: fields.mapValues { [$0] })
            for (k, v) in lists { input.append(k, v) }
            // Ids that sort in the order they are made, as the counter page's and the command line's do.
            let number = String(n)
            input.set("command-id", "gen-\(g.seed)-" + String(repeating: "0", count: Swift.max(0, 10 - number.count)) + number)
            input.set("actor", "generator")
            input.set("date", date.description)
            return input
        }

        public mutating func next() -> CommandInput? {
            if queueIndex < queue.count {
                defer { queueIndex += 1 }
                return queue[queueIndex]
            }
            queue.removeAll(keepingCapacity: true)
            queueIndex = 0
            switch phase {
            case 0: setUp()
            case 1: registerSome()
            default:
                guard made < g.events else { return nil }
                visitSome()
            }
            return queue.isEmpty ? nil : next()
        }

        mutating func emit(_ c: CommandInput) {
            queue.append(c)
            made += 1
        }

        mutating func setUp() {
            for (id, name, kind) in LedgerGenerator.donors { emit(command("donor.add", start, ["id": id, "name": name, "kind": kind])) }
            emit(command("site.add", start, ["id": "WH", "name": "Central warehouse", "kind": "warehouse", "settlement": "Lutsk", "area": "urban"]))
            for (i, p) in points.enumerated() {
                emit(command("site.add", start, ["id": p, "name": "Point \(i + 1)", "kind": "distribution_point", "settlement": i % 3 == 2 ? "Village \(i)" : "Lutsk", "area": i % 3 == 2 ? "rural" : "urban"]))
            }
            for (id, name, category, unit, value) in LedgerGenerator.items {
                emit(command("item.add", start, ["id": id, "name": name, "category": category, "unit": unit, "value": value]))
            }
            let end = g.today.adding(days: 365)
            emit(command("campaign.add", start, ["id": "MAIN", "name": "Humanitarian aid to displaced families", "from": start.description, "to": end.description],
                         ["donor": LedgerGenerator.donors.map(\.0), "item": LedgerGenerator.items.map(\.0), "rule": ["food-kit:1/30d/household", "hygiene-set:1/30d/person"]]))
            emit(command("campaign.add", start, ["id": "CASH", "name": "Targeted cash aid", "from": start.description, "to": end.description], ["donor": ["CITY", "STATE"]]))
            phase = 1
        }

        mutating func registerSome() {
            let first = households.count
            for h in first..<Swift.min(g.households, first + 10_000) {
                let size = rng.next(100) < 30 ? 1 : 2 + rng.next(4)
                let point = rng.next(points.count)
                households.append((String(format: "H-%07d", h + 1), size, point, rng.next(31)))
                var docs = ["idp_certificate:\(g.seed)-\(h + 1)"]
                if rng.next(100) < 70 { docs.append("tax_number:\(1_000_000_000 + h * 7 + Int(g.seed % 7))") }
                emit(command("recipient.register", start.adding(days: rng.next(30)), [
                    "id": households[h].id, "kind": size == 1 ? "individual" : "household", "size": String(size),
                    "category": LedgerGenerator.categories[rng.next(LedgerGenerator.categories.count)],
                    "area": points[point].hasSuffix("3") || point % 3 == 2 ? "rural" : "urban", "settlement": "Lutsk",
                ], ["document": docs]))
            }
            if households.count == g.households { phase = 2 }
        }

        /// Brings stock to a point before it runs out: a donor's intake at the warehouse, then a transfer.
        mutating func restock(_ point: String, _ item: String, _ day: BusinessDate) {
            guard stock[point + item, default: 0] < 5 else { return }
            let donor = LedgerGenerator.donors[rng.next(LedgerGenerator.donors.count)].0
            let quantity = 5_000
            emit(command("intake.goods", day, ["site": "WH", "donor": donor, "item": item, "quantity": String(quantity), "document": "waybill \(n)"]))
            emit(command("transfer", day, ["from": "WH", "to": point, "item": item, "quantity": String(quantity - 10)]))
            stock[point + item, default: 0] += Int64(quantity - 10)
            if rng.next(100) < 50 {
                emit(command("adjust", day, ["site": "WH", "item": item, "delta": "-\(1 + rng.next(5))", "reason": rng.next(2) == 0 ? "damaged" : "expired"]))
            }
        }

        mutating func visitSome() {
            for _ in 0..<10_000 where made < g.events {
                let round = visit / g.households
                let h = households[visit % g.households]
                visit += 1
                let day = start.adding(days: 40 + round * 31 + h.offset)
                guard day <= g.today else { continue }
                let point = points[h.point]
                let roll = rng.next(100)
                let item = roll < 60 ? "food-kit" : roll < 80 ? "hygiene-set" : LedgerGenerator.items[2 + rng.next(4)].0
                restock(point, item, day)
                stock[point + item, default: 0] -= 1
                emit(command("issue", day, ["site": point, "recipient": h.id, "campaign": "MAIN"], ["item": [item]]))
                if rng.next(200) == 0 {
                    // About one issuance in 200 was typed for the wrong household and is voided. Every command makes
                    // exactly one event, so the issuance's position is the number of commands so far.
                    emit(command("void", day, ["position": String(made), "reason": "typed for the wrong household"]))
                }
                if rng.next(100) < 4 {
                    emit(command("intake.cash", day, ["donor": "CITY", "campaign": "CASH", "amount": "500.00", "document": "order \(n)"]))
                    emit(command("grant", day, ["recipient": h.id, "campaign": "CASH", "amount": "500.00", "channel": "cash_desk"]))
                }
            }
        }
    }
}
