import CLMDB

/// Compares entries given in increasing key order with those one database of a transaction holds, walking it with one
/// cursor in step: what a `KeyOrderWriter` made with it is handed (`Transaction.writeInKeyOrder(_:matching:_:)`) is
/// checked against the stored entries instead of written. A replay that would write a database only to read it back
/// for a comparison compares it as it goes; one that compares a stretch of keys at a time gives the stretch's bounds.
/// Made `mending` on a write transaction, it mends each difference at the cursor as it finds it (the expected entry
/// put, an unbacked one deleted) and counts it instead of keeping it. `finish()` must be called before the
/// transaction ends.
public final class KeyOrderMatch {
    /// How a stored entry differs from the one expected.
    public enum Difference {
        case missing(key: [UInt8], expected: [UInt8])
        case unbacked(key: [UInt8])
        case differs(key: [UInt8], stored: [UInt8], expected: [UInt8])
    }

    // One caller on one thread uses it and its accesses never overlap: the runtime's exclusivity checks, most of
    // the cost of each entry, are switched off.
    @exclusivity(unchecked) private var cursor: OpaquePointer?
    /// The first stored entry not yet passed, when `more`.
    @exclusivity(unchecked) private var key = MDB_val()
    @exclusivity(unchecked) private var value = MDB_val()
    @exclusivity(unchecked) private var more = false
    /// How the stored entries differ from the expected ones, in key order: the first `keeping` found.
    @exclusivity(unchecked) public private(set) var differences: [Difference] = []
    private let keeping: Int
    /// The last stored key compared (nil: to the end); a key after it belongs to a later stretch.
    private let through: [UInt8]?
    /// The expected entries handed over.
    @exclusivity(unchecked) public private(set) var entries = 0
    /// Whether differences are mended where they are found, not kept.
    private let mending: Bool
    /// The differences mended.
    @exclusivity(unchecked) public private(set) var mended = 0
    /// Each stored page asked for as the cursor enters it: a rebuild's comparison of 20,000 summaries waited on
    /// memory for each, on one core, after the other had encoded its share.
    @exclusivity(unchecked) private var pages: PageReadAhead

    init(_ txn: OpaquePointer, _ db: Database, from start: [UInt8]?, through: [UInt8]?, keeping: Int, mending: Bool, pageSize: Int) throws {
        (self.keeping, self.through, self.mending) = (keeping, through, mending)
        pages = PageReadAhead(pageSize: pageSize)
        try check(mdb_cursor_open(txn, db.dbi, &cursor))
        if let start, !start.isEmpty {
            try start.withUnsafeBytes { s in
                key = MDB_val(mv_size: s.count, mv_data: UnsafeMutableRawPointer(mutating: s.baseAddress))
                try step(MDB_SET_RANGE)
            }
        } else {
            try step(MDB_FIRST)
        }
    }

    deinit { if let cursor { mdb_cursor_close(cursor) } }

    private func step(_ op: MDB_cursor_op) throws {
        let rc = mdb_cursor_get(cursor, &key, &value, op)
        if rc != MDB_NOTFOUND { try check(rc) }
        more = rc == MDB_SUCCESS
        if more { pages.enter(key.mv_data) }
        if more, let through { more = through.withUnsafeBytes { KeyOrder.compare(storedKey, $0) <= 0 } }
    }

    private var storedKey: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size) }
    private var storedValue: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: value.mv_data, count: value.mv_size) }

    /// Takes the next expected entry: a key after every one handed over before.
    public func expect(key expectedKey: UnsafeRawBufferPointer, value expected: UnsafeRawBufferPointer) throws {
        entries += 1
        while more {
            let order = KeyOrder.compare(storedKey, expectedKey)
            if order > 0 { break }
            if order == 0 {
                if KeyOrder.compare(storedValue, expected) != 0 {
                    if mending { try put(expectedKey, expected, replacing: true) }
                    else { keep(.differs(key: Array(expectedKey), stored: Array(storedValue), expected: Array(expected))) }
                }
                return try step(MDB_NEXT)
            }
            try unbacked()
        }
        guard mending else { return keep(.missing(key: Array(expectedKey), expected: Array(expected))) }
        // Put before the stored entry the cursor was at (or after the last one): the cursor is then at the new entry,
        // and the next is that stored entry again, read anew (the put may have moved it to another page).
        try put(expectedKey, expected, replacing: false)
        try step(MDB_NEXT)
    }

    /// The stored entry at the cursor is backed by no expected one: kept as a difference, or deleted, after which the
    /// cursor is at the entry that followed it (LMDB's next step after a deletion does not move).
    private func unbacked() throws {
        if mending {
            try check(mdb_cursor_del(cursor, 0))
            mended += 1
        } else {
            keep(.unbacked(key: Array(storedKey)))
        }
        try step(MDB_NEXT)
    }

    /// Puts the expected entry through the cursor: in place of the stored one it is at (`replacing`), or as a new one.
    private func put(_ k: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer, replacing: Bool) throws {
        var newKey = MDB_val(mv_size: k.count, mv_data: UnsafeMutableRawPointer(mutating: k.baseAddress))
        var newValue = MDB_val(mv_size: v.count, mv_data: UnsafeMutableRawPointer(mutating: v.baseAddress))
        try check(mdb_cursor_put(cursor, &newKey, &newValue, replacing ? UInt32(MDB_CURRENT) : 0))
        mended += 1
    }

    /// Keeps a difference while fewer than `keeping` are kept (the rest are not made at all).
    @inline(__always)
    private func keep(_ difference: @autoclosure () -> Difference) {
        if differences.count < keeping { differences.append(difference()) }
    }

    /// Counts the stored entries after the last expected one (through the stretch's end) as unbacked and lets go of
    /// the cursor.
    /// - Returns: the differences found.
    public func finish() throws -> [Difference] {
        while more { try unbacked() }
        if let cursor { mdb_cursor_close(cursor) }
        cursor = nil
        return differences
    }
}
