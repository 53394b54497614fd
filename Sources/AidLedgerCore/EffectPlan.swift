import Foundation

/// The effects of a batch of the log's records, worked out on a replay's reading thread while the replaying thread
/// projects the batch before: for each record the effects `Effect.visit` gives (its target's, negated, for a void),
/// and for each counter or version they change its key's bytes and hash. The replaying thread then only looks the
/// keys up and adds, as the append path does with the same effects (`Ledger.project`). The effects on a recipient's
/// summary are kept as marks whose texts are numbered (`SummaryMark`).
///
/// Made on one thread and handed to another under a lock, after which it is only read.
final class EffectPlan: @unchecked Sendable {
    /// One change: a counter's or a version's (its key in `keys`), or one on the recipient's summary (in `marks`).
    struct Step {
        enum Kind: UInt8 { case stock, cash, total, version, summary }
        var kind: Kind
        /// The key's index in `keys`, or the mark's in `marks` (`.summary`).
        var index: Int32
        var delta: Int64
        /// The lot a stock or cash change draws on (for the message when it would go below zero).
        var lot: UInt64
    }

    private struct Key {
        var offset: Int
        var length: Int
        var hash: UInt64
    }

    // Made by one thread, then read by one other: the runtime's exclusivity checks are switched off.
    @exclusivity(unchecked) private(set) var steps: [Step] = []
    @exclusivity(unchecked) private(set) var marks: [SummaryMark] = []
    /// Where each record's steps begin; the last entry is where the last record's end.
    @exclusivity(unchecked) private var starts: [Int] = [0]
    /// Whether each record changes nothing but what its steps say (an issuance, a grant, a transfer, an adjustment):
    /// the replaying thread then follows the steps without reading the record itself, whose copy would count
    /// references to objects the reading thread made (and frees).
    @exclusivity(unchecked) private var stepsOnly: [Bool] = []
    @exclusivity(unchecked) private var keys: [Key] = []
    /// The keys' bytes, one after another.
    private var arena: UnsafeMutableRawPointer
    private var used = 0
    private var capacity: Int

    init(records: Int) {
        capacity = records * 256
        arena = .allocate(byteCount: capacity, alignment: 8)
        steps.reserveCapacity(records * 16)
        marks.reserveCapacity(records * 8)
        starts.reserveCapacity(records + 1)
        stepsOnly.reserveCapacity(records)
        keys.reserveCapacity(records * 12)
    }

    deinit { arena.deallocate() }

    /// The steps of the `index`th record added.
    func range(of index: Int) -> Range<Int> { starts[index]..<starts[index + 1] }

    /// Whether the `index`th record changes nothing beyond its steps (see `stepsOnly`).
    func onlySteps(_ index: Int) -> Bool { stepsOnly[index] }

    /// The bytes and hash of the key of a counter's or version's step.
    func key(_ step: Step) -> (bytes: UnsafeRawBufferPointer, hash: UInt64) {
        let k = keys[Int(step.index)]
        return (UnsafeRawBufferPointer(start: arena + k.offset, count: k.length), k.hash)
    }

    /// Works out `record`'s effects, numbering the texts of those on a summary in `symbols`. `lot` gives the lots its
    /// draws name; `target` the event a void names.
    func add(
        _ record: EventRecord, symbols: ReplaySymbols.Numbering, lot: (UInt64) throws -> Lot, attributes: (String) throws -> RecipientRegistered.Attributes?,
        target: (EventVoided) throws -> EventRecord
    ) throws {
        switch record.event {
        case .goodsIssued, .cashGranted, .stockTransferred, .stockAdjusted: stepsOnly.append(true)
        default: stepsOnly.append(false)
        }
        if case .eventVoided(let v) = record.event {
            try add(effectsOf: try target(v), sign: -1, symbols: symbols, lot: lot, attributes: attributes)
        } else {
            if case .recipientRegistered(let p) = record.event { symbols.registered(p) }
            if case .recipientUpdated(let u) = record.event, u.profile?.movesReach == true { symbols.changed(u.recipient) }
            try add(effectsOf: record, sign: 1, symbols: symbols, lot: lot, attributes: attributes)
        }
        starts.append(steps.count)
    }

    private func add(
        effectsOf record: EventRecord, sign: Int64, symbols: ReplaySymbols.Numbering, lot: (UInt64) throws -> Lot,
        attributes: (String) throws -> RecipientRegistered.Attributes?
    ) throws {
        try Effect.visit(record, sign: sign, lot: lot) { effect in
            if effect.isOnSummary {
                marks.append(try SummaryMark(effect, symbols, attributes: attributes))
                steps.append(Step(kind: .summary, index: Int32(marks.count - 1), delta: 0, lot: 0))
                return
            }
            switch effect {
            case .stock(let site, let item, let lot, let delta):
                let k = CounterKey.stock(site: site, item: item, lot: lot)
                steps.append(Step(kind: .stock, index: keep(length: k.length) { k.write(&$0) }, delta: delta, lot: lot))
            case .cash(let campaign, let lot, let delta):
                let k = CounterKey.cash(campaign: campaign, lot: lot)
                steps.append(Step(kind: .cash, index: keep(length: k.length) { k.write(&$0) }, delta: delta, lot: lot))
            case .total(let name, let delta):
                let k = CounterKey.total(name)
                steps.append(Step(kind: .total, index: keep(length: k.length) { k.write(&$0) }, delta: delta, lot: 0))
            case .touched(let kind, let id):
                let index = keep(length: VersionOverlay.keyLength(id)) { VersionOverlay.writeKey(&$0, kind, id) }
                steps.append(Step(kind: .version, index: index, delta: 0, lot: 0))
            case .recipient, .goods, .grant, .issued, .counts, .reach:
                preconditionFailure("an effect on the summary was kept above")
            }
        }
    }

    /// Writes a key of `length` bytes into the arena and hashes it. - Returns: its index.
    private func keep(length: Int, _ write: (inout RawKeyWriter) -> Void) -> Int32 {
        if used + length > capacity {
            capacity = max(capacity * 2, used + length)
            let grown = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
            grown.copyMemory(from: arena, byteCount: used)
            arena.deallocate()
            arena = grown
        }
        var writer = RawKeyWriter(arena + used)
        write(&writer)
        precondition(writer.written == length, "a key wrote \(writer.written) bytes, not the \(length) it announced")
        keys.append(Key(offset: used, length: length, hash: ByteTable.hash(UnsafeRawBufferPointer(start: arena + used, count: length))))
        used += length
        return Int32(keys.count - 1)
    }
}
