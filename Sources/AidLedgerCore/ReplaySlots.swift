import CLMDB
import Foundation
import LMDBStore

/// Numbers for the keys of the counters (stock, cash, running totals) and versions a replay's chunk changes, so that
/// the replaying thread adds to a counter by indexing an array, not by hashing and comparing its key.
///
/// The reading thread numbers each key as it works out an event's effects (`EffectPlan`), through `numbering`; the
/// replaying thread holds the values by number, through `values`, reading a key back only the first time the chunk
/// touches it (to load its value) and when the chunk's values are written. As with `ReplaySymbols`, each side is an
/// object the other thread never touches; they meet in `Published`, under a lock, when a key is new. A replay numbers
/// anew for each chunk (`forget`).
final class ReplaySlots: Sendable {
    typealias Slot = Int32

    /// The database a key belongs to.
    enum Table: UInt8 { case stock, cash, total, version }

    let numbering: Numbering
    let values: Values

    init() {
        let published = Published()
        numbering = Numbering(published)
        values = Values(published)
    }

    /// Drops every number and value (between chunks, when no reading thread runs), keeping the memory.
    func forget() {
        numbering.forget()
        values.forget()
    }

    /// Every numbered key, in the order of the numbers: its table and where its bytes end in `bytes` (each key's
    /// begin where the one's before it end). Written by the reading thread without an array made for each key; the
    /// replaying thread makes its own copies as it reads them (`Values.key`), meanwhile mostly waiting for records.
    final class Published: @unchecked Sendable {  // under `lock`
        let lock = NSLock()
        @exclusivity(unchecked) var keys: [(table: Table, end: Int)] = []
        @exclusivity(unchecked) var bytes: [UInt8] = []

        /// Keys from `first` on, as arrays of their own: copied out under `lock` in two runs, made into arrays after.
        func keys(from first: Int) -> [(table: Table, key: [UInt8])] {
            let (ends, run, base) = lock.withLock {
                let base = first == 0 ? 0 : keys[first - 1].end
                return (Array(keys[first...]), Array(bytes[base...]), base)
            }
            var start = 0
            return ends.map { k in
                defer { start = k.end - base }
                return (k.table, Array(run[start..<k.end - base]))
            }
        }
    }

    /// Numbers keys: one chunk's reading thread at a time, and the replaying thread once that one has stopped.
    final class Numbering: @unchecked Sendable {
        /// Slots by the table's byte followed by the key.
        @exclusivity(unchecked) private var slots = ByteTable()
        /// The slots of recipients' versions by the recipients' numbers in the chunk's `ReplaySymbols`: numbered by
        /// their registration or their first issuance or grant, and found by number by every later one.
        @exclusivity(unchecked) private var recipientVersions = SlotMemo()
        private let scratch = KeyScratch()
        private let published: Published

        fileprivate init(_ published: Published) { self.published = published }

        /// Keys numbered in this chunk.
        var count: Int { slots.count }

        /// The number of the key of `length` bytes that `write` writes, in `table`.
        func slot(_ table: Table, length: Int, _ write: (inout RawKeyWriter) -> Void) -> Slot {
            scratch.with(length: length + 1, write: { w in
                w.byte(table.rawValue)
                write(&w)
            }) { tagged in
                let (slot, new) = slots.number(tagged)
                if new {
                    let key = UnsafeRawBufferPointer(rebasing: tagged[1...]).assumingMemoryBound(to: UInt8.self)
                    published.lock.withLock {
                        published.bytes.append(contentsOf: key)
                        published.keys.append((table, published.bytes.count))
                    }
                }
                return Slot(slot)
            }
        }

        /// The slot of the version of the recipient numbered `recipient` (whose id's bytes are `id`), numbered once.
        @inline(__always)
        func recipientVersion(_ recipient: ReplaySymbols.Symbol, id: UnsafeRawBufferPointer) -> Slot {
            recipientVersions.slot(recipient) { version(.recipient, bytes: id) }
        }

        /// The number of a counter's key.
        func slot(_ table: Table, _ key: CounterKey) -> Slot {
            slot(table, length: key.length) { key.write(&$0) }
        }

        /// The number of an entity's version key.
        func version(_ kind: LedgerStore.Kind, _ id: String) -> Slot {
            slot(.version, length: VersionOverlay.keyLength(id)) { VersionOverlay.writeKey(&$0, kind, id) }
        }

        /// `version(_:_:)` of an id's UTF-8 bytes, as a record stores them: the id is not made.
        func version(_ kind: LedgerStore.Kind, bytes id: UnsafeRawBufferPointer) -> Slot {
            slot(.version, length: 1 + id.count) { w in
                w.byte(kind.letter)
                w.bytes(id)
            }
        }

        fileprivate func forget() {
            slots.removeAll()
            recipientVersions.removeAll()
            published.lock.withLock {
                published.keys.removeAll(keepingCapacity: true)
                published.bytes.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The values of the numbered keys the chunk has touched: a counter's value is read from the store the first
    /// time, a version is set. Used by the replaying thread only.
    final class Values: @unchecked Sendable {
        @exclusivity(unchecked) private var known: [(table: Table, key: [UInt8])] = []
        /// Each known key's value, and whether the chunk has touched it (read or set it).
        private struct Held: BitwiseCopyable {
            var value: Int64 = 0
            var touched = false
        }
        @exclusivity(unchecked) private var held = FlatBuffer<Held>(capacity: 1 << 12)
        /// The slots touched, in the order they were first touched.
        @exclusivity(unchecked) private var order: [Slot] = []
        /// Versions among them.
        private(set) var versions = 0
        private let published: Published

        fileprivate init(_ published: Published) { self.published = published }

        /// Counters touched.
        var counters: Int { order.count - versions }

        /// The key of `slot`.
        func key(_ slot: Slot) -> (table: Table, key: [UInt8]) {
            let s = Int(slot)
            if s >= known.count {
                known.append(contentsOf: published.keys(from: known.count))
                while held.count < known.count { held.append(Held()) }
            }
            return known[s]
        }

        /// Adds `delta` to the counter numbered `slot` when the chunk has read its value already. - Returns: the new
        /// value, or nil (nothing added) when it has not.
        @inline(__always)
        func addIfRead(_ slot: Slot, _ delta: Int64) throws -> Int64? {
            let s = Int(slot)
            guard s < held.count else { return nil }
            let h = held.pointer(s)
            guard h.pointee.touched else { return nil }
            h.pointee.value = try h.pointee.value.adding(delta, describing: "a running total")
            return h.pointee.value
        }

        /// Adds `delta` to the counter numbered `slot`, reading its value from the store the first time.
        /// - Returns: the new value.
        @inline(__always)
        func add(_ slot: Slot, _ delta: Int64, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws -> Int64 {
            let s = Int(slot)
            if s >= held.count || !held.pointer(s).pointee.touched { try load(slot, from: store, txn) }
            let h = held.pointer(s)
            h.pointee.value = try h.pointee.value.adding(delta, describing: "a running total")
            return h.pointee.value
        }

        /// Asks the processor to bring in the value numbered `slot`, when the chunk holds a place for it: a few records
        /// before the one that sets or adds to it (`ReplayCache.prefetch`).
        @inline(__always)
        func prefetch(_ slot: Slot) {
            let s = Int(slot)
            if s >= 0 && s < held.count { clmdb_prefetch(held.pointer(s)) }
        }

        /// The version numbered `slot` becomes `position`.
        @inline(__always)
        func set(_ slot: Slot, _ position: UInt64) {
            let s = Int(slot)
            if s >= held.count || !held.pointer(s).pointee.touched {
                _ = key(slot)
                held.pointer(s).pointee.touched = true
                order.append(slot)
                versions += 1
            }
            held.pointer(s).pointee.value = Int64(bitPattern: position)
        }

        private func load(_ slot: Slot, from store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable) throws {
            let (table, key) = key(slot)
            held.pointer(Int(slot)).pointee = Held(value: try store.int64(txn, store.database(table), key), touched: true)
            order.append(slot)
        }

        /// Writes every counter and version the chunk touched, each table in key order (appended when the store holds
        /// none yet: a replay's first chunk), or compared with the stored ones where `matches` holds their table's.
        func flush(to store: LedgerStore, _ txn: borrowing some KeyValueStore & ~Copyable, matching matches: [Database: KeyOrderMatch]) throws {
            for table in [Table.stock, .cash, .total, .version] {
                let slots = order.filter { known[Int($0)].table == table }.sorted { a, b in
                    known[Int(a)].key.withUnsafeBytes { x in known[Int(b)].key.withUnsafeBytes { y in KeyOrder.compare(x, y) < 0 } }
                }
                guard !slots.isEmpty else { continue }
                try txn.writeInKeyOrder(store.database(table), matching: matches[store.database(table)]) { w in
                    for slot in slots {
                        let value = held[Int(slot)].value
                        try known[Int(slot)].key.withUnsafeBytes { key in
                            // A version is a position, written as it is; a counter at zero has no entry.
                            if table == .version { return try LedgerStore.put(w, key: key, value) }
                            try LedgerStore.setCounter(w, key: key, value)
                        }
                    }
                }
            }
        }

        fileprivate func forget() {
            known.removeAll(keepingCapacity: true)
            held.removeAll()
            order.removeAll(keepingCapacity: true)
            versions = 0
        }
    }
}

extension LedgerStore {
    /// The database of a replay's numbered keys.
    func database(_ table: ReplaySlots.Table) -> Database {
        switch table {
        case .stock: stock
        case .cash: cash
        case .total: totals
        case .version: versions
        }
    }
}

/// Slots by the number of a text in a chunk (`ReplaySymbols`), each numbered once: a look-up reads one value, and
/// only the first numbers the key (an array kept by an object and changed through a closure counted a reference to
/// the object for every issuance).
struct SlotMemo: ~Copyable {
    private var slots = FlatBuffer<ReplaySlots.Slot>(capacity: 64)

    /// The slot kept for `symbol`, or -1.
    @inline(__always)
    private func known(_ symbol: ReplaySymbols.Symbol) -> ReplaySlots.Slot {
        let i = Int(symbol)
        return i < slots.count ? slots[i] : -1
    }

    /// The slot kept for `symbol`, numbered by `make` the first time (called only then).
    @inline(__always)
    mutating func slot(_ symbol: ReplaySymbols.Symbol, _ make: () -> ReplaySlots.Slot) -> ReplaySlots.Slot {
        let known = known(symbol)
        return known >= 0 ? known : keep(symbol, make())
    }

    /// Keeps `slot` for `symbol`. - Returns: the slot.
    private mutating func keep(_ symbol: ReplaySymbols.Symbol, _ slot: ReplaySlots.Slot) -> ReplaySlots.Slot {
        while slots.count <= Int(symbol) { slots.append(-1) }
        slots.pointer(Int(symbol)).pointee = slot
        return slot
    }

    /// Forgets every slot (a chunk numbers anew), keeping the memory.
    mutating func removeAll() { slots.removeAll() }
}
