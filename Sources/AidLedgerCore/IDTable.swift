/// Values keyed by ids' bytes: an id of at most 16 bytes (every generated and most imported ones) kept whole in a
/// `ShortKeyTable`, found in one read of memory; a longer one in a `ByteTable`.
struct IDTable: ~Copyable {
    private var short: ShortKeyTable
    private var long = ByteTable()

    /// A table with room for `capacity` short ids before it grows (each growth places every id again).
    init(capacity: Int = 64) { short = ShortKeyTable(capacity: capacity) }

    /// Ids held.
    var count: Int { short.count + long.count }

    /// The value under `id`, if the table holds it.
    @inline(__always)
    func value(_ id: UnsafeRawBufferPointer) -> Int64? {
        if let key = ShortKeyTable.Key(id) { return short.value(key) }
        return long.value(id)
    }

    /// Sets the value under `id` to what `update` makes of the current one (nil when the table does not hold it yet).
    /// - Returns: the new value, and whether the id was added only now.
    @inline(__always)
    @discardableResult
    mutating func update(_ id: UnsafeRawBufferPointer, _ update: (Int64?) throws -> Int64) rethrows -> (value: Int64, new: Bool) {
        if let key = ShortKeyTable.Key(id) { return try short.update(key, update) }
        var new = false
        let value = try long.update(id) { held in
            new = held == nil
            return try update(held)
        }
        return (value, new)
    }

    /// The number of `id`: ids are numbered 0, 1, 2… in the order they were first met. - Returns: the number, and
    /// whether the id was met only now.
    @inline(__always)
    mutating func number(_ id: UnsafeRawBufferPointer) -> (number: Int, new: Bool) {
        let next = Int64(count)
        let (value, new) = update(id) { $0 ?? next }
        return (Int(value), new)
    }

    /// Asks the processor to bring in where a short `id` is kept, ahead of a look-up of it.
    @inline(__always)
    func prefetch(_ id: UnsafeRawBufferPointer) {
        if let key = ShortKeyTable.Key(id) { short.prefetch(key) }
    }

    /// Empties the table, keeping its memory.
    mutating func removeAll() {
        short.removeAll()
        long.removeAll()
    }
}
