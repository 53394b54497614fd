/// Values by a pair of 64-bit words, open addressing: a look-up hashes two words, where a dictionary runs its
/// keyed hash over the pair. Each key lies beside its value in its place, so a look-up of a table larger than the
/// core's cache waits on memory once, not three times (a place, then the key, then the value, each in an array of its
/// own, as a replay's reading thread did for every draw of an issuance).
///
/// It cannot be copied, so nothing else can share its memory.
struct PairTable<Value: BitwiseCopyable>: ~Copyable {
    private struct Place {
        var key: (UInt64, UInt64)
        var value: Value
        var used: Bool
    }

    private var places: UnsafeMutablePointer<Place>
    /// A power of two, at most three quarters full.
    private var capacity: Int
    private(set) var count = 0

    init() {
        capacity = 64
        places = PairTable.emptyPlaces(capacity)
    }

    deinit { places.deallocate() }

    private static func emptyPlaces(_ n: Int) -> UnsafeMutablePointer<Place> {
        let p = UnsafeMutablePointer<Place>.allocate(capacity: n)
        UnsafeMutableRawPointer(p).initializeMemory(as: UInt8.self, repeating: 0, count: n * MemoryLayout<Place>.stride)
        return p
    }

    @inline(__always)
    private static func hash(_ key: (UInt64, UInt64)) -> Int {
        let h = (key.0 &* 0x9e37_79b9_7f4a_7c15) ^ (key.1 &* 0xc2b2_ae3d_27d4_eb4f)
        return Int(truncatingIfNeeded: h ^ (h >> 31))
    }

    /// The place holding `key`, or the empty one where it would go.
    @inline(__always)
    private func place(_ key: (UInt64, UInt64)) -> Int {
        let mask = capacity - 1
        var at = PairTable.hash(key) & mask
        while places[at].used && places[at].key != key { at = (at + 1) & mask }
        return at
    }

    func find(_ key: (UInt64, UInt64)) -> Value? {
        let at = place(key)
        return places[at].used ? places[at].value : nil
    }

    /// Forgets every key, keeping the memory.
    mutating func removeAll() {
        UnsafeMutableRawPointer(places).initializeMemory(as: UInt8.self, repeating: 0, count: capacity * MemoryLayout<Place>.stride)
        count = 0
    }

    /// Adds `key` (not in the table yet) with `value`.
    mutating func insert(_ key: (UInt64, UInt64), _ value: Value) {
        if (count + 1) * 4 > capacity * 3 {
            let (old, oldCapacity) = (places, capacity)
            capacity *= 2
            places = PairTable.emptyPlaces(capacity)
            for i in 0..<oldCapacity where old[i].used { places[place(old[i].key)] = old[i] }
            old.deallocate()
        }
        places[place(key)] = Place(key: key, value: value, used: true)
        count += 1
    }
}
