import Foundation
import LMDBStore

/// Numbers keyed by short byte strings, the keys kept in one growing arena: a look-up or an update allocates nothing,
/// where a dictionary keyed by byte arrays allocates an array per key. A replay keeps its running totals, stock, cash
/// and versions in these between the commits of its scratch environment.
struct ByteTable {
    private var arena: [UInt8] = []
    /// Each key's hash, where its bytes are in `arena`, and its value: side by side, so that a look-up that finds the
    /// slot reads one entry (a replay numbers every record's recipient in a table of thousands, out of any cache).
    private struct Entry {
        var hash: UInt64
        var offset: Int32
        var length: Int32
        var value: Int64
    }
    private var entries: [Entry] = []
    /// Open addressing: an entry's index, or -1 for an empty slot; a power of two, at most three quarters full.
    private var slots = [Int32](repeating: -1, count: 64)

    /// The key's bytes folded eight at a time, then mixed.
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h = 0x9e37_79b9_7f4a_7c15 ^ UInt64(key.count)
        var i = 0
        while i + 8 <= key.count {
            h = (h ^ key.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01b3
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        while i < key.count {
            tail = tail << 8 | UInt64(key[i])
            i += 1
        }
        h = (h ^ tail) &* 0xff51_afd7_ed55_8ccd
        return h ^ (h >> 33)
    }

    /// Whether the bytes at `a` are `key`'s: eight at a time (a key is a few dozen bytes; a call to `memcmp` cost more
    /// than the comparison).
    @inline(__always)
    private static func same(_ a: UnsafeRawPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        guard let b = key.baseAddress else { return true }
        let n = key.count
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    /// The entry holding `key`, if any. Through the arrays' memory: a slot holds -1 or an entry's index and an entry
    /// lies within the arena, so the arrays' own bounds checks were only repeated work (a replay looks up several
    /// texts in every record).
    private func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> Int? {
        arena.withUnsafeBytes { stored in
            entries.withUnsafeBufferPointer { entries in
                slots.withUnsafeBufferPointer { slots in
                    let mask = slots.count - 1
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let e = Int(slots[slot])
                        if e < 0 { return nil }
                        let entry = entries[e]
                        if entry.hash == hash, Int(entry.length) == key.count, ByteTable.same(stored.baseAddress! + Int(entry.offset), key) {
                            return e
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    /// Adds an entry for a key the table does not hold. - Returns: its index.
    @discardableResult
    private mutating func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, value: Int64) -> Int {
        if (entries.count + 1) * 4 > slots.count * 3 { grow() }
        let e = entries.count
        entries.append(Entry(hash: hash, offset: Int32(arena.count), length: Int32(key.count), value: value))
        arena.append(contentsOf: key.assumingMemoryBound(to: UInt8.self))  // as typed bytes: one copy, not one per byte
        place(e)
        return e
    }

    /// The value under `key`, if the table holds it.
    func value(_ key: UnsafeRawBufferPointer) -> Int64? {
        find(key, hash: ByteTable.hash(key)).map { entries[$0].value }
    }

    /// Sets the value under `key` to what `update` makes of the current one (nil when the table does not hold the
    /// key yet). - Returns: the new value.
    @discardableResult
    mutating func update(_ key: UnsafeRawBufferPointer, _ update: (Int64?) throws -> Int64) rethrows -> Int64 {
        let hash = ByteTable.hash(key)
        if let e = find(key, hash: hash) {
            entries[e].value = try update(entries[e].value)
            return entries[e].value
        }
        let value = try update(nil)
        insert(key, hash: hash, value: value)
        return value
    }

    /// The number of `key`: the keys are numbered 0, 1, 2… in the order they were first met (a replay numbers its
    /// texts and its counters' keys so). - Returns: the number, and whether the key was met only now.
    mutating func number(_ key: UnsafeRawBufferPointer) -> (number: Int, new: Bool) {
        let hash = ByteTable.hash(key)
        if let e = find(key, hash: hash) { return (e, false) }
        return (insert(key, hash: hash, value: Int64(entries.count)), true)
    }

    /// Keys held.
    var count: Int { entries.count }

    /// Every key and its value, in the order they were added.
    func forEach(_ body: (UnsafeRawBufferPointer, Int64) throws -> Void) rethrows {
        try arena.withUnsafeBytes { stored in
            for entry in entries {
                try body(UnsafeRawBufferPointer(rebasing: stored[Int(entry.offset)..<Int(entry.offset) + Int(entry.length)]), entry.value)
            }
        }
    }

    /// Every key and its value, in LMDB's key order: written in that order, each key lands beside the one before,
    /// and into an empty database they can be appended.
    func forEachSorted(_ body: (UnsafeRawBufferPointer, Int64) throws -> Void) rethrows {
        try arena.withUnsafeBytes { stored in
            func key(_ e: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: stored[Int(entries[e].offset)..<Int(entries[e].offset) + Int(entries[e].length)])
            }
            let order = entries.indices.sorted { KeyOrder.compare(key($0), key($1)) < 0 }
            for e in order { try body(key(e), entries[e].value) }
        }
    }

    /// Empties the table, keeping its memory for the next chunk.
    mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        for i in slots.indices { slots[i] = -1 }
    }

    private mutating func place(_ e: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: entries[e].hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(e)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for e in entries.indices { place(e) }
    }
}
