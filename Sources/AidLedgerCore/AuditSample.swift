/// A random sample of a period's events that an auditor checks against paper (a signature on the list, a receipt), drawn
/// so that anyone can draw it again and nobody could have chosen it.
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

        /// The events drawn from unless told otherwise: what reached people.
        public static let defaultTypes: Set<EventType> = [.goodsIssued, .cashGranted]

        public init(
            from: BusinessDate, to: BusinessDate, types: Set<EventType> = [], site: String? = nil, campaign: String? = nil, donor: String? = nil,
            size: Int, seed: String
        ) {
            (self.from, self.to, self.site, self.campaign, self.donor, self.size, self.seed) = (from, to, site, campaign, donor, size, seed)
            self.types = types.isEmpty ? AuditSample.Request.defaultTypes : types
        }

        /// Refuses what cannot be drawn from.
        public func validated() throws(LedgerError) -> Request {
            guard to >= from else { throw LedgerError(.invalidDate, "the period ends (\(to)) before it starts (\(from))") }
            guard size > 0, size <= AuditSample.largest else {
                throw LedgerError(.invalidQuantity, "a sample of \(size) events: give from 1 to \(AuditSample.largest)")
            }
            guard !seed.isEmpty else { throw LedgerError(.missingField, "give a seed: the same seed draws the same sample again") }
            return self
        }

        /// The kinds of record a sample reads: those drawn from, voids (to mark what they reversed), and intakes when
        /// it follows a donor's lots.
        var reads: Set<EventType> { types.union(donor == nil ? [.eventVoided] : [.eventVoided, .goodsReceived, .cashReceived]) }

        /// Whether `record` is one of the events the sample is drawn from; `donorLots`: the lots of `donor` so far.
        func admits(_ record: EventRecord, donorLots: Set<UInt64>) -> Bool {
            guard types.contains(record.event.type), record.businessDate >= from, record.businessDate <= to else { return false }
            if let site, record.site != site { return false }
            if let campaign {
                switch record.event {
                case .goodsIssued(let p): return p.campaign == campaign
                case .cashGranted(let p): return p.campaign == campaign
                case .goodsReceived(let p): return p.campaign == campaign
                case .cashReceived(let p): return p.campaign == campaign
                default: return false
                }
            }
            if let donor {
                switch record.event {
                case .goodsIssued(let p): return p.lines.contains { $0.draws.contains { donorLots.contains($0.lot) } }
                case .cashGranted(let p): return p.draws.contains { donorLots.contains($0.lot) }
                case .stockTransferred(let p): return p.draws.contains { donorLots.contains($0.lot) }
                case .stockAdjusted(let p): return p.draws.contains { donorLots.contains($0.lot) }
                case .goodsReceived(let p): return p.donor == donor
                case .cashReceived(let p): return p.donor == donor
                default: return false
                }
            }
            return true
        }
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
    /// The lots (intake positions) of the donor the sample follows, as met: an intake comes before any draw on it.
    private var donorLots: Set<UInt64> = []
    private let seedBytes: [UInt8]

    public init(_ request: Request) {
        self.request = request
        seedBytes = Array(request.seed.utf8) + [0]
    }

    /// The rank of an event with `hash` under `seed`: the first eight bytes of SHA-256(seed ‖ 0x00 ‖ hash), big-endian.
    public static func rank(seed: String, hash: [UInt8]) -> UInt64 { rank(Array(seed.utf8) + [0], hash) }

    private static func rank(_ seedBytes: [UInt8], _ hash: [UInt8]) -> UInt64 {
        EventRecord.chainHash(previous: seedBytes, body: hash).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Takes the log's records one by one, in position order (every record, or at least the period's and the voids).
    public mutating func consider(_ record: EventRecord) {
        switch record.event {
        case .eventVoided(let v): voids[v.target] = record.position
        case .goodsReceived(let p) where p.donor == request.donor: donorLots.insert(record.position)
        case .cashReceived(let p) where p.donor == request.donor: donorLots.insert(record.position)
        default: break
        }
        guard request.admits(record, donorLots: donorLots) else { return }
        population += 1
        let rank = AuditSample.rank(seedBytes, record.hash)
        guard drawn.count < request.size || rank < drawn[drawn.count - 1].rank else { return }
        // Kept sorted by rank: a sample is small, and most events rank above its last one and are passed over above.
        let at = drawn.firstIndex { $0.rank > rank } ?? drawn.endIndex
        drawn.insert((rank, record), at: at)
        if drawn.count > request.size { drawn.removeLast() }
    }

    /// The drawn events in position order, each with the position of the void that reversed it, if one did.
    public var events: [(record: EventRecord, voidedBy: UInt64?)] {
        drawn.map(\.record).sorted { $0.position < $1.position }.map { ($0, voids[$0.position]) }
    }

    public var json: JSONValue {
        var what: [(String, JSONValue)] = [
            ("seed", .string(request.seed)), ("from", .date(request.from)), ("to", .date(request.to)),
            ("types", .array(request.types.map(\.name).sorted().map { .string($0) })),
        ]
        if let site = request.site { what.append(("site", .string(site))) }
        if let campaign = request.campaign { what.append(("campaign", .string(campaign))) }
        if let donor = request.donor { what.append(("donor", .string(donor))) }
        what += [("population", .int(Int64(population))), ("size", .int(Int64(drawn.count)))]
        let listed: [JSONValue] = events.map { e in
            guard case .object(var members) = e.record.json else { return e.record.json }
            members.append(("voided_by", e.voidedBy.map { .int(Int64($0)) } ?? .null))
            return .object(members)
        }
        return .object(what + [("events", .array(listed))])
    }
}

extension Ledger {
    /// Draws an audit sample from the whole log (`AuditSample`).
    public func sample(_ request: AuditSample.Request) throws(LedgerError) -> AuditSample {
        var sample = AuditSample(try request.validated())
        if let donor = request.donor { _ = try read { txn in try self.donor(txn, donor) } }
        try forEachRecord(LogFilter(types: request.reads)) { sample.consider($0) }
        return sample
    }
}
