/// A random sample of a period's events that an auditor checks against paper (a signature on the list, a receipt), drawn
/// so that anyone can draw it again and nobody could have chosen it.
///
/// Value-weighted (`byValue`, monetary-unit sampling): every kopeck of the period's issuances and grants is a unit;
/// with T kopecks in all and n to draw, the units start + k·J (J = T / n, start = the first eight bytes of
/// SHA-256(seed ‖ 0x00 ‖ "start") modulo J, k = 0…n−1) are taken, counting the events in position order, and each
/// event holding one or more of them is drawn: an issuance worth more than J is always drawn. Integers throughout.
/// It reads the records twice (the total first).
///
/// Each event's rank is the first eight bytes of SHA-256(seed ‖ 0x00 ‖ the event's hash), read big-endian; the sample
/// is the `size` events of the period with the lowest ranks, listed in position order. So the same seed gives the same
/// sample from the ledger or from its export (`aidledger sample --file`), whoever draws it and on whatever machine;
/// events recorded later, or outside the period, never change it; and the ledger's keeper cannot steer which events it
/// holds without choosing the seed (an auditor brings their own, or takes one nobody knew in advance, such as the hash
/// of a signed checkpoint).
public struct AuditSample: Sendable {
    /// Which events a sample is drawn from, and how many.
    public struct Request: Sendable {
        public var from: BusinessDate
        public var to: BusinessDate
        /// The kinds of event drawn from (issuances and cash grants unless given).
        public var types: Set<EventType>
        /// Only events at this site, or under this campaign (issuances and grants name one).
        public var site: String?
        public var campaign: String?
        /// Only events that drew on this donor's goods or cash (a donor's auditor checks where their aid went), or
        /// intakes from them.
        public var donor: String?
        public var size: Int
        public var seed: String
        /// Drawn by value (monetary units) rather than uniformly over events.
        public var byValue: Bool

        /// The events drawn from unless told otherwise: what reached people.
        public static let defaultTypes: Set<EventType> = [.goodsIssued, .cashGranted]

        public init(
            from: BusinessDate, to: BusinessDate, types: Set<EventType> = [], site: String? = nil, campaign: String? = nil, donor: String? = nil,
            size: Int, seed: String, byValue: Bool = false
        ) {
            (self.from, self.to, self.site, self.campaign, self.donor, self.size, self.seed, self.byValue) = (from, to, site, campaign, donor, size, seed, byValue)
            self.types = types.isEmpty ? AuditSample.Request.defaultTypes : types
        }

        /// Refuses what cannot be drawn from.
        public func validated() throws(LedgerError) -> Request {
            guard to >= from else { throw LedgerError(.invalidDate, "the period ends (\(to)) before it starts (\(from))") }
            guard size > 0, size <= AuditSample.largest else {
                throw LedgerError(.invalidQuantity, "a sample of \(size) events: give from 1 to \(AuditSample.largest)")
            }
            guard !seed.isEmpty else { throw LedgerError(.missingField, "give a seed: the same seed draws the same sample again") }
            guard !byValue || types.isSubset(of: Request.defaultTypes) else {
                throw LedgerError(.invalidField, "a sample by value is drawn from issuances and cash grants (goods_issued, cash_granted) only")
            }
            return self
        }

        /// The kinds of record a sample reads: those drawn from, voids (to mark what they reversed), and intakes when
        /// it follows a donor's lots or weighs by value.
        var reads: Set<EventType> {
            types.union(donor == nil && !byValue ? [.eventVoided] : [.eventVoided, .goodsReceived, .cashReceived])
        }

        /// Whether `record` is one of the events the sample is drawn from; `lots`: the lots met so far.
        func admits(_ record: EventRecord, lots: [UInt64: Lot]) -> Bool {
            guard types.contains(record.event.type), record.businessDate >= from, record.businessDate <= to else { return false }
            if let site, record.site != site { return false }
            if let campaign {
                let under: String? = switch record.event {
                case .goodsIssued(let p): p.campaign
                case .cashGranted(let p): p.campaign
                case .goodsReceived(let p): p.campaign
                case .cashReceived(let p): p.campaign
                default: nil
                }
                guard under == campaign else { return false }  // and the donor's test below still holds
            }
            if let donor {
                if let intake = Lot(intake: record) { return intake.donor == donor }
                return AuditSample.draws(of: record).contains { lots[$0.lot]?.donor == donor }
            }
            return true
        }

        /// Whether a draw on `lot` counts towards the sample's value (with a donor, only their lots' do).
        func counts(_ lot: Lot?) -> Bool { donor == nil || lot?.donor == donor }
    }

    /// The most events one sample holds.
    public static let largest = 10_000

    public let request: Request
    /// Events of the period the sample was drawn from.
    public private(set) var population = 0
    /// The drawn events with their ranks, lowest rank first.
    private var drawn: [(rank: UInt64, record: EventRecord)] = []
    /// Voids met so far: the event each voids, and where.
    private var voids: [UInt64: UInt64] = [:]
    /// The lots met (with a donor or by value): an intake comes before any draw on it.
    private var lots: [UInt64: Lot] = [:]
    /// A sum that did not fit 64 bits while reading: thrown when the pass ends.
    private var failure: LedgerError?
    /// By value: the passes over the records done, the period's value in kopecks (after the first), the interval
    /// and the first unit taken, and the kopecks counted so far in the second.
    private var passesDone = 0
    public private(set) var populationValue: Int64 = 0
    public private(set) var interval: Int64 = 0
    public private(set) var start: Int64 = 0
    private var counted: Int64 = 0
    /// By value: each drawn event's value and the units of it taken.
    private var weights: [UInt64: (value: Int64, hits: Int64)] = [:]
    private let seedBytes: [UInt8]

    private init(_ request: Request) {
        self.request = request
        seedBytes = Array(request.seed.utf8) + [0]
    }

    /// Draws the sample `request` asks for from the records `read` hands to `each`, in position order, once per
    /// pass (every record, or at least those of `request.reads`): the ledger's log or an export's lines.
    public static func draw(_ request: Request, _ read: (_ each: (EventRecord) -> Void) throws -> Void) throws -> AuditSample {
        var sample = AuditSample(try request.validated())
        for _ in 0..<(request.byValue ? 2 : 1) {
            try read { sample.consider($0) }
            try sample.endPass()
        }
        return sample
    }

    /// The draws on lots an event makes (none for events that draw on none).
    static func draws(of record: EventRecord) -> [Draw] {
        switch record.event {
        case .goodsIssued(let p): p.lines.flatMap(\.draws)
        case .cashGranted(let p): p.draws
        case .stockTransferred(let p): p.draws
        case .stockAdjusted(let p): p.draws
        default: []
        }
    }

    /// The rank of an event with `hash` under `seed`: the first eight bytes of SHA-256(seed ‖ 0x00 ‖ hash), big-endian.
    public static func rank(seed: String, hash: [UInt8]) -> UInt64 { rank(Array(seed.utf8) + [0], hash) }

    private static func rank(_ seedBytes: [UInt8], _ hash: [UInt8]) -> UInt64 {
        EventRecord.chainHash(previous: seedBytes, body: hash).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Ends a pass over the records: by value, the first one fixes the interval and the first unit from the total.
    private mutating func endPass() throws(LedgerError) {
        if let failure { throw failure }
        passesDone += 1
        guard request.byValue, passesDone == 1 else { return }
        interval = max(1, populationValue / Int64(request.size))
        start = Int64(AuditSample.rank(seed: request.seed, hash: Array("start".utf8)) % UInt64(interval))
        population = 0
    }

    /// Takes the records one by one, in position order.
    private mutating func consider(_ record: EventRecord) {
        guard failure == nil else { return }
        if case .eventVoided(let v) = record.event { voids[v.target] = record.position }
        if request.donor != nil || request.byValue, let lot = Lot(intake: record) { lots[record.position] = lot }
        guard request.admits(record, lots: lots) else { return }
        population += 1
        if request.byValue {
            do { try weigh(record) } catch { failure = error }
            return
        }
        let rank = AuditSample.rank(seedBytes, record.hash)
        guard drawn.count < request.size || rank < drawn[drawn.count - 1].rank else { return }
        // Kept sorted by rank: a sample is small, and most events rank above its last one and are passed over above.
        let at = drawn.firstIndex { $0.rank > rank } ?? drawn.endIndex
        drawn.insert((rank, record), at: at)
        if drawn.count > request.size { drawn.removeLast() }
    }

    /// By value: the event's kopecks (those drawn on the donor's lots, for a donor), added to the total in the first
    /// pass; in the second, the event is drawn when it holds one of the units taken.
    private mutating func weigh(_ record: EventRecord) throws(LedgerError) {
        var value: Int64 = 0
        func what() -> String { "the value of #\(record.position) for the sample" }  // made only for a refusal
        // Goods are worth their lots' value per unit; cash its kopecks.
        for d in AuditSample.draws(of: record) where request.counts(lots[d.lot]) {
            let perUnit: Int64 = switch lots[d.lot]?.kind {
            case .goods?: lots[d.lot]!.valuePerUnit
            case .cash?: 1
            case nil: 0  // a draw on no lot the log holds: `verify` and a rebuild say so; it weighs nothing here
            }
            try Int64.add(try d.amount.multiplied(by: perUnit, describing: what()), to: &value, describing: what())
        }
        guard passesDone == 1 else { return try Int64.add(value, to: &populationValue, describing: "the value of the sample's period") }
        // The units start + k·interval (k < size) inside [counted, counted + value).
        let end = counted + value
        defer { counted = end }
        guard value > 0, end > start else { return }
        let first = counted <= start ? Int64(0) : (counted - start + interval - 1) / interval
        let last = min(Int64(request.size) - 1, (end - 1 - start) / interval)
        guard first <= last else { return }
        weights[record.position] = (value, last - first + 1)
        drawn.append((0, record))
    }

    /// The drawn events in position order, each with the position of the void that reversed it, if one did.
    public var events: [(record: EventRecord, voidedBy: UInt64?)] {
        drawn.map(\.record).sorted { $0.position < $1.position }.map { ($0, voids[$0.position]) }
    }

    /// By value: a drawn event's kopecks and the units of it taken.
    public func weight(of position: UInt64) -> (value: Int64, hits: Int64)? { weights[position] }

    public var json: JSONValue {
        var what: [(String, JSONValue)] = [
            ("seed", .string(request.seed)), ("from", .date(request.from)), ("to", .date(request.to)),
            ("types", .array(request.types.map(\.name).sorted().map { .string($0) })),
        ]
        if let site = request.site { what.append(("site", .string(site))) }
        if let campaign = request.campaign { what.append(("campaign", .string(campaign))) }
        if let donor = request.donor { what.append(("donor", .string(donor))) }
        what += [("population", .int(Int64(population))), ("size", .int(Int64(drawn.count)))]
        if request.byValue {
            what += [("by_value", .bool(true)), ("population_value_kopecks", .int(populationValue)), ("interval_kopecks", .int(interval)), ("start", .int(start))]
        }
        let listed: [JSONValue] = events.map { e in
            guard case .object(var members) = e.record.json else { return e.record.json }
            members.append(("voided_by", e.voidedBy.map { .int(Int64($0)) } ?? .null))
            if let w = weights[e.record.position] { members += [("value_kopecks", .int(w.value)), ("units_taken", .int(w.hits))] }
            return .object(members)
        }
        return .object(what + [("events", .array(listed))])
    }
}

extension Ledger {
    /// Draws an audit sample from the whole log (`AuditSample`).
    public func sample(_ request: AuditSample.Request) throws(LedgerError) -> AuditSample {
        if let donor = request.donor { _ = try read { txn in try self.donor(txn, donor) } }
        do {
            return try AuditSample.draw(request) { each in try forEachRecord(LogFilter(types: request.reads), each) }
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError(.storage, "the sample could not be drawn: \(error)")
        }
    }
}
