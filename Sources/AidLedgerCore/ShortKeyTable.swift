import CLMDB

/// Values keyed by ids of at most 16 bytes, each id kept whole in its slot beside its value: a look-up reads one slot
/// (two words, a length and the value, in half a cache line), where `ByteTable` reads a slot, then an entry, then the
/// key's bytes, three waits on memory one after the other in a table larger than the core's cache. A replay numbers
/// the recipient of every issuance by the id's bytes (`ReplaySymbols.Numbering`); a longer id goes to a `ByteTable`.
struct ShortKeyTable: ~Copyable {
    /// An id of at most 16 bytes as two words that, with its length, tell it from any other.
    struct Key: Equatable {
        var a: UInt64, b: UInt64
        var length: Int32

        /// No id's: the mark of an empty place.
        static let none = Key(a: 0, b: 0, length: -1)

        private init(a: UInt64, b: UInt64, length: Int32) { (self.a, self.b, self.length) = (a, b, length) }

        /// The words of `id`: loads that may overlap, none beyond its bytes; nil for an id longer than 16 bytes.
        @inline(__always)
        init?(_ id: UnsafeRawBufferPointer) {
            let n = id.count
            length = Int32(n)
            if n >= 8 {
                guard n <= 16 else { return nil }
                (a, b) = (id.loadUnaligned(as: UInt64.self), id.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
            } else if n >= 4 {
                (a, b) = (UInt64(id.loadUnaligned(as: UInt32.self)), UInt64(id.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
            } else {
                (a, b) = (0, 0)
                for i in 0..<n { a = a << 8 | UInt64(id[i]) }
            }
        }

        /// The key's words mixed: its high bits choose a place (each depends on every bit of the words).
        @inline(__always)
        var mixed: UInt64 { (a ^ (b &* 0x9e37_79b9_7f4a_7c15) ^ UInt64(UInt32(bitPattern: length))) &* 0xff51_afd7_ed55_8ccd }
    }

    /// 32 bytes: two to a cache line, none across two.
    private struct Slot {
        var key = Key.none
        var value: Int64 = 0
    }

    private var slots: UnsafeMutablePointer<Slot>
    /// A power of two, at most half full: a look-up rarely reads a second slot.
    private var capacity: Int
    /// 64 less the bits of `capacity`: the mixed key shifted by this many is a place.
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 64) {
        var c = 64
        while c < capacity * 2 { c *= 2 }
        self.capacity = c
        shift = UInt64(64 - c.trailingZeroBitCount)
        slots = .allocate(capacity: c)
        slots.initialize(repeating: Slot(), count: c)
    }

    deinit { slots.deallocate() }

    /// The value under `key`, if the table holds it.
    @inline(__always)
    func value(_ key: Key) -> Int64? {
        let s = find(key)
        return slots[s].key.length < 0 ? nil : slots[s].value
    }

    /// Sets the value under `key` to what `update` makes of the current one (nil when the table does not hold the key
    /// yet). - Returns: the new value, and whether the key was added only now.
    @inline(__always)
    @discardableResult
    mutating func update(_ key: Key, _ update: (Int64?) throws -> Int64) rethrows -> (value: Int64, new: Bool) {
        var s = find(key)
        if slots[s].key.length >= 0 {
            slots[s].value = try update(slots[s].value)
            return (slots[s].value, false)
        }
        let value = try update(nil)
        if (count + 1) * 2 > capacity {
            grow()
            s = find(key)
        }
        slots[s] = Slot(key: key, value: value)
        count += 1
        return (value, true)
    }

    /// Asks the processor to bring in the slot where `key` is, or would go, ahead of a look-up of it (a replay's
    /// reading thread, a few records before it reads the record that names the key).
    @inline(__always)
    func prefetch(_ key: Key) {
        clmdb_prefetch(UnsafeRawPointer(slots + Int(truncatingIfNeeded: key.mixed >> shift)))
    }

    /// Empties the table, keeping its memory.
    mutating func removeAll() {
        guard count > 0 else { return }
        slots.update(repeating: Slot(), count: capacity)
        count = 0
    }

    /// The slot holding `key`, or the empty one where it would go.
    @inline(__always)
    private func find(_ key: Key) -> Int {
        let mask = capacity - 1
        var s = Int(truncatingIfNeeded: key.mixed >> shift)
        while true {
            let held = slots[s].key
            if held.length < 0 || held == key { return s }
            s = (s + 1) & mask
        }
    }

    private mutating func grow() {
        let (old, oldCapacity) = (slots, capacity)
        capacity *= 2
        shift -= 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
        for i in 0..<oldCapacity where old[i].key.length >= 0 { slots[find(old[i].key)] = old[i] }
        old.deallocate()
    }
}
