import Foundation

/// The effects of a batch of the log's records, worked out on a replay's reading thread while the replaying thread
/// projects the batch before: for each record the effects `Effect.visit` gives (its target's, negated, for a void),
/// and for each counter or version they change the number of its key in the chunk (`ReplaySlots`). The replaying
/// thread then only adds by number, as the append path adds by key with the same effects (`Ledger.project`). The effects on a recipient's
/// summary are kept as marks whose texts are numbered (`SummaryMark`).
///
/// Made on one thread and handed to another under a lock, after which it is only read.
final class EffectPlan: @unchecked Sendable {
    /// One change of a counter or a version (its key's number). 16 bytes: a plan's steps and marks pass from one core's
    /// cache to the other's, about 500 bytes per issuance, and the lot a stock or cash change draws on (for the message
    /// when it would go below zero) is the last eight bytes of its key.
    struct Step: Equatable {
        enum Kind: UInt8 { case stock, cash, total, version }
        var kind: Kind
        /// The key's number in the chunk's `ReplaySlots`.
        var index: Int32
        var delta: Int64
    }

    /// Part of an issuance read from its bytes (`IssuanceReading`), kept short: a head, then each line followed by its
    /// draws. The replaying thread follows them as the steps and marks `Effect.visit` gives (`expanded`), as each is
    /// read (`ReplayedIssuance`): handed over as steps and marks, an issuance of one draw was about 470 bytes passing
    /// from one core's cache to the other's, as pieces 120.
    ///
    /// The head: the recipient and campaign (`n0`, `n1`), the keys of the recipient's, site's and campaign's versions
    /// and of the campaign's issuances (`n2`–`n5`), the business day and the position (`x`, `y`). A line: its item
    /// (`n0`), how many draws follow (`n1`), its quantity (`x`). A draw: the keys of the lot's stock and of the donor's
    /// and campaign's units and value issued (`n0`–`n4`), the donor (`n5`; its complement when the record has reached
    /// that donor already), the units and their value (`x`, `y`).
    struct Piece: BitwiseCopyable {
        var n0: Int32 = 0, n1: Int32 = 0, n2: Int32 = 0, n3: Int32 = 0, n4: Int32 = 0, n5: Int32 = 0
        var x: Int64 = 0, y: Int64 = 0
    }

    // Made by one thread, then read by one other: the runtime's exclusivity checks are switched off.
    @exclusivity(unchecked) private(set) var steps: FlatBuffer<Step>
    @exclusivity(unchecked) private(set) var marks: FlatBuffer<SummaryMark>
    @exclusivity(unchecked) private(set) var pieces: FlatBuffer<Piece>
    /// Entries of the registry, the documents index and the lots records add, as the bytes to write (a registration
    /// or an intake of cash read from its bytes, `RegistrationReading`, `CashIntakeReading`).
    enum EntryTable: UInt8 {
        case registry, documents, lots
        /// A registration's registry entry, from which the replaying thread also makes its documents index's entries
        /// and reads the recipient's attributes (`RegistrationReading.entry`), so that the reading thread, alone busy
        /// during a ledger's registrations, copies the payload once and reads no more of it than the id.
        case registration
    }
    @exclusivity(unchecked) private var entries = EntryRun()
    /// Each entry's table, and the number of a registration's recipient (-1 for any other entry).
    @exclusivity(unchecked) private var entryTables: [(table: EntryTable, recipient: ReplaySymbols.Symbol)] = []

    /// What the plan holds of each record added, in one run (seven arrays, one value each, were appended to for every
    /// record, each append asking the runtime whether the array was shared).
    struct Record: BitwiseCopyable {
        var position: UInt64 = 0
        /// When it was recorded (microseconds since 1970).
        var recordedAt: Int64 = 0
        /// Where its steps, marks and entries end: each record's begin where the one's before it end. A record's marks
        /// change its recipient's summary in their order; its steps are independent of them and of one another's order.
        var stepsEnd: Int32, marksEnd: Int32, entriesEnd: Int32, piecesEnd: Int32
        /// Where the record is among the batch's decoded records (-1: read straight from its bytes, not decoded).
        var decoded: Int32 = -1
        /// Whether it changes nothing but what its steps and entries say (an issuance, a grant, a transfer, an
        /// adjustment, a registration or an intake of cash read from its bytes): the replaying thread then follows the
        /// steps without reading the record
        /// itself, whose copy would count references to objects the reading thread made (and frees).
        var onlySteps: Bool
    }
    @exclusivity(unchecked) private(set) var records: FlatBuffer<Record>

    init(records: Int) {
        steps = FlatBuffer(capacity: records * 16)
        marks = FlatBuffer(capacity: records * 8)
        pieces = FlatBuffer(capacity: records * 3)
        self.records = FlatBuffer(capacity: records)
    }

    /// Records added.
    var count: Int { records.count }

    /// Forgets every record added, keeping the memory: a replay's reading thread reuses the plans the replaying
    /// thread is done with (allocated afresh for every batch, and freed, their memory was mapped and faulted in again).
    func removeAll() {
        steps.removeAll()
        marks.removeAll()
        pieces.removeAll()
        entries.removeAll()
        entryTables.removeAll(keepingCapacity: true)
        records.removeAll()
    }

    /// The steps of the `index`th record added.
    func range(of index: Int) -> Range<Int> { (index == 0 ? 0 : Int(records[index - 1].stepsEnd))..<Int(records[index].stepsEnd) }

    /// The marks of the `index`th record added.
    func marks(of index: Int) -> Range<Int> { (index == 0 ? 0 : Int(records[index - 1].marksEnd))..<Int(records[index].marksEnd) }

    /// The pieces of the `index`th record added: none unless it is an issuance read from its bytes.
    func pieces(of index: Int) -> Range<Int> { (index == 0 ? 0 : Int(records[index - 1].piecesEnd))..<Int(records[index].piecesEnd) }

    /// The head of the `index`th record's pieces (an issuance read from its bytes), if it has any.
    @inline(__always)
    func head(of index: Int) -> Piece? {
        let p = pieces(of: index)
        return p.isEmpty ? nil : pieces[p.lowerBound]
    }

    /// The number of the recipient whose summary the `index`th record changes, if any: an issuance's (its head) or a
    /// record's whose marks begin with the recipient's.
    @inline(__always)
    func recipient(of index: Int) -> ReplaySymbols.Symbol? {
        if let head = head(of: index) { return head.n0 }
        return recipient(ofMarks: index)
    }

    /// The number of the recipient whose summary the `index`th record's marks change, if they begin with theirs (a
    /// record with no pieces).
    @inline(__always)
    func recipient(ofMarks index: Int) -> ReplaySymbols.Symbol? {
        let m = marks(of: index)
        guard !m.isEmpty, marks[m.lowerBound].kind == .recipient else { return nil }
        return marks[m.lowerBound].first
    }

    /// Hands `body` each entry the `index`th record added writes, in order: a registration's registry entry, then
    /// its documents index's; and `registered` the number and attributes of the recipient a registration read from
    /// its bytes registers. Throws what `body` or `registered` throws, or the reading of a registration's payload
    /// (a `DecodeError`).
    func forEachEntry(
        of index: Int, _ body: (EntryTable, UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void,
        registered: (ReplaySymbols.Symbol, RegistrationReading.Profile) throws -> Void = { _, _ in }
    ) throws {
        let range = (index == 0 ? 0 : Int(records[index - 1].entriesEnd))..<Int(records[index].entriesEnd)
        guard !range.isEmpty else { return }
        try entries.withEntries { e in
            for i in range {
                let (table, recipient) = entryTables[i]
                guard table == .registration else {
                    try body(table, e.key(i), e.value(i))
                    continue
                }
                let (key, value) = (e.key(i), e.value(i))
                try body(.registry, key, value)
                let profile = try RegistrationReading.entry(value) { hash in try body(.documents, hash, UnsafeRawBufferPointer(rebasing: key[1...])) }
                try registered(recipient, profile)
            }
        }
    }

    /// Adds a registration's registry entry (`EntryTable.registration`) the next record added writes: the kind's letter
    /// and the id, the schema and the payload; `recipient` is the number of its id.
    func addRegistration(letter: UInt8, id: UnsafeRawBufferPointer, schema: UInt8, payload: UnsafeRawBufferPointer, recipient: ReplaySymbols.Symbol) {
        entries.append(letter, id, schema, payload)
        entryTables.append((.registration, recipient))
    }

    /// Adds an entry the next record added writes.
    func addEntry(_ table: EntryTable, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        entries.append(key, value)
        entryTables.append((table, -1))
    }

    /// Whether the `index`th record changes nothing beyond its steps (see `Record.onlySteps`).
    func onlySteps(_ index: Int) -> Bool { records[index].onlySteps }

    /// Notes where the record added last lies in the log, when it was recorded, and where it is among the decoded
    /// records (-1: not decoded).
    func placeLast(at position: UInt64, recordedAt: Int64, decoded: Int32) {
        let last = records.pointer(records.count - 1)
        (last.pointee.position, last.pointee.recordedAt, last.pointee.decoded) = (position, recordedAt, decoded)
    }

    /// Ends the record being added: its steps, marks and entries are those added since the one before.
    @inline(__always)
    private func close(onlySteps: Bool) {
        records.append(
            Record(stepsEnd: Int32(steps.count), marksEnd: Int32(marks.count), entriesEnd: Int32(entries.count), piecesEnd: Int32(pieces.count), onlySteps: onlySteps))
    }

    /// Works out `record`'s effects, numbering the texts of those on a summary in `symbols` and the keys of the others
    /// in `slots`. `lot` gives the lots its draws name; `target` the event a void names.
    func add(
        _ record: EventRecord, symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering, lot: (UInt64) throws -> Lot, attributes: (String) throws -> RecipientRegistered.Attributes?,
        target: (EventVoided) throws -> EventRecord
    ) throws {
        if case .eventVoided(let v) = record.event {
            try add(effectsOf: try target(v), sign: -1, symbols: symbols, slots: slots, lot: lot, attributes: attributes)
        } else {
            if case .recipientRegistered(let p) = record.event { symbols.registered(p) }
            if case .recipientUpdated(let u) = record.event, u.profile?.movesReach == true { symbols.changed(u.recipient) }
            try add(effectsOf: record, sign: 1, symbols: symbols, slots: slots, lot: lot, attributes: attributes)
        }
        switch record.event {
        case .goodsIssued, .cashGranted, .stockTransferred, .stockAdjusted: close(onlySteps: true)
        default: close(onlySteps: false)
        }
    }

    /// Adds a record whose steps and marks `write` appends itself (an issuance read straight from its stored bytes:
    /// `IssuanceReading`); it changes nothing beyond them.
    func add(writing write: (inout FlatBuffer<Step>, inout FlatBuffer<SummaryMark>) throws -> Void) rethrows {
        try write(&steps, &marks)
        close(onlySteps: true)
    }

    /// Adds an issuance read from its bytes as the pieces `write` appends (`Piece`); it changes nothing beyond them.
    func addPieces(writing write: (inout FlatBuffer<Piece>) throws -> Void) rethrows {
        try write(&pieces)
        close(onlySteps: true)
    }

    /// The steps and marks of the `index`th record's pieces: those `Effect.visit` gives the issuance, in its order. The
    /// replaying thread follows the pieces so without writing them out (`ReplayedIssuance`); `ReplayPlanTests` holds
    /// this reading of them equal to the decoded record's plan.
    func expanded(_ index: Int) -> (steps: [Step], marks: [SummaryMark]) {
        var steps = FlatBuffer<Step>(capacity: 16)
        var marks = FlatBuffer<SummaryMark>(capacity: 16)
        let range = pieces(of: index)
        var i = range.lowerBound
        let head = pieces[i]
        i += 1
        let (campaign, day, position) = (head.n1, BusinessDate(day: Int32(truncatingIfNeeded: head.x)), UInt64(bitPattern: head.y))
        EffectPlan.begin(head.n0, issuances: 1, grants: 0, &marks)
        while i < range.upperBound {
            let line = pieces[i]
            i += 1
            for _ in 0..<Int(line.n1) {
                let d = pieces[i]
                i += 1
                steps.append(Step(kind: .stock, index: d.n0, delta: -d.x))
                steps.append(Step(kind: .total, index: d.n1, delta: d.x))
                steps.append(Step(kind: .total, index: d.n2, delta: d.y))
                steps.append(Step(kind: .total, index: d.n3, delta: d.x))
                steps.append(Step(kind: .total, index: d.n4, delta: d.y))
                let donor = d.n5 >= 0 ? d.n5 : ~d.n5
                var m = SummaryMark(.goods)
                (m.first, m.donor, m.item, m.amount, m.value) = (campaign, donor, line.n0, d.x, d.y)
                marks.append(m)
                if d.n5 >= 0 { EffectPlan.reach(.donor, donor, &marks) }
            }
            var m = SummaryMark(.issued)
            (m.first, m.item, m.day, m.position, m.amount) = (campaign, line.n0, day, position, line.x)
            marks.append(m)
        }
        EffectPlan.reach(.campaign, campaign, &marks)
        steps.append(Step(kind: .total, index: head.n5, delta: 1))
        steps.append(Step(kind: .version, index: head.n2, delta: 0))
        steps.append(Step(kind: .version, index: head.n3, delta: 0))
        steps.append(Step(kind: .version, index: head.n4, delta: 0))
        return (steps.elements, marks.elements)
    }

    // MARK: Written straight from a record's bytes (`IssuanceReading`, `GrantReading`), in `Effect.visit`'s order

    /// Appends the marks an issuance or a grant begins with: its recipient's, then what it adds to their counts.
    @inline(__always)
    static func begin(
        _ recipient: ReplaySymbols.Symbol, issuances: Int64, grants: Int64, _ marks: inout FlatBuffer<SummaryMark>
    ) {
        var m = SummaryMark(.recipient)
        m.first = recipient
        marks.append(m)
        m = SummaryMark(.counts)
        (m.amount, m.value) = (issuances, grants)
        marks.append(m)
    }

    /// Appends the mark of the recipient reached through the donor or campaign numbered `id`.
    @inline(__always)
    static func reach(_ scope: RecipientSummary.Scope, _ id: ReplaySymbols.Symbol, _ marks: inout FlatBuffer<SummaryMark>) {
        var m = SummaryMark(.reach)
        (m.scope, m.first) = (scope, id)
        marks.append(m)
    }

    /// Appends the mark of the recipient reached through the donor numbered `id` once per record, `reached` holding the
    /// donors marked so far (a record of one draw marks its donor without looking).
    @inline(__always)
    static func reachDonor(
        _ id: ReplaySymbols.Symbol, draws: Int, reached: inout FlatBuffer<ReplaySymbols.Symbol>, _ marks: inout FlatBuffer<SummaryMark>
    ) {
        if draws > 1 {
            guard !reached.contains(id) else { return }
            reached.append(id)
        }
        reach(.donor, id, &marks)
    }

    private func add(
        effectsOf record: EventRecord, sign: Int64, symbols: ReplaySymbols.Numbering, slots: ReplaySlots.Numbering, lot: (UInt64) throws -> Lot,
        attributes: (String) throws -> RecipientRegistered.Attributes?
    ) throws {
        try Effect.visit(record, sign: sign, lot: lot) { effect in
            if effect.isOnSummary { return marks.append(try SummaryMark(effect, symbols, attributes: attributes)) }
            switch effect {
            case .stock(let site, let item, let lot, let delta):
                steps.append(Step(kind: .stock, index: slots.slot(.stock, .stock(site: site, item: item, lot: lot)), delta: delta))
            case .cash(let campaign, let lot, let delta):
                steps.append(Step(kind: .cash, index: slots.slot(.cash, .cash(campaign: campaign, lot: lot)), delta: delta))
            case .total(let name, let delta):
                steps.append(Step(kind: .total, index: slots.slot(.total, .total(name)), delta: delta))
            case .touched(let kind, let id):
                steps.append(Step(kind: .version, index: slots.version(kind, id), delta: 0))
            case .recipient, .goods, .grant, .issued, .counts, .reach:
                preconditionFailure("an effect on the summary was kept above")
            }
        }
    }
}
