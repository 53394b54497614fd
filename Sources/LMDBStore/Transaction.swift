import CLMDB

/// An open LMDB transaction. It cannot be copied, and it aborts when dropped without a commit.
///
/// Values handed to the closures of `withValue` and `forEach` point into LMDB's map and are valid
/// only inside the closure: copy out what you keep.
public struct Transaction: ~Copyable {
    let handle: OpaquePointer
    let env: OpaquePointer

    init(handle: OpaquePointer, env: OpaquePointer) {
        self.handle = handle
        self.env = env
    }

    deinit { mdb_txn_abort(handle) }

    /// Makes the transaction's writes durable (unless the environment is relaxed) and ends it.
    public consuming func commit() throws {
        let handle = self.handle
        discard self
        try check(mdb_txn_commit(handle))
    }

    /// Ends a read transaction but keeps its reader slot: the handle can be renewed (`mdb_txn_renew`) or aborted.
    consuming func reset() -> OpaquePointer {
        let handle = self.handle
        discard self
        mdb_txn_reset(handle)
        return handle
    }

    /// Drops every write of the transaction and ends it.
    public consuming func abort() {
        let handle = self.handle
        discard self
        mdb_txn_abort(handle)
    }

    /// Runs `body` in a child transaction: its writes join this transaction when it returns and
    /// vanish when it throws, leaving this transaction as it was.
    public func nested<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        var child: OpaquePointer?
        try check(mdb_txn_begin(env, handle, 0, &child))
        guard let child else { throw LMDBError.badTransaction }
        let txn = Transaction(handle: child, env: env)
        let result = try body(txn)
        try txn.commit()
        return result
    }

    // MARK: Reading

    /// Calls `body` with the value stored under `key`, or with `nil` when there is none.
    public func withValue<R>(
        _ db: Database, key: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer?) throws -> R
    ) throws -> R {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val()
        let rc = mdb_get(handle, db.dbi, &k, &v)
        if rc == MDB_NOTFOUND { return try body(nil) }
        try check(rc)
        return try body(UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size))
    }

    /// The value stored under `key`, copied out, or `nil`.
    public func get(_ db: Database, _ key: [UInt8]) throws -> [UInt8]? {
        try key.withUnsafeBytes { k in
            try withValue(db, key: k) { v in v.map { Array($0) } }
        }
    }

    /// Visits entries in key order from the first key `>= start` (or the first entry) while `body` returns true.
    ///
    /// `readingAhead`: for a long walk of a database whose pages are read once (the log), asks the processor for the
    /// whole of each page as the walk enters it, so that its entries come from memory at once, not one wait each.
    public func forEach(
        _ db: Database, from start: [UInt8]? = nil, readingAhead: Bool = false,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var pages = PageReadAhead(pageSize: readingAhead ? pageSize : 0)
        try withCursor(db) { cursor in
            var k = MDB_val()
            var v = MDB_val()
            var rc: Int32
            if let start, !start.isEmpty {
                rc = start.withUnsafeBytes { s in
                    k = MDB_val(mv_size: s.count, mv_data: UnsafeMutableRawPointer(mutating: s.baseAddress))
                    return mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE)
                }
            } else {
                rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST)
            }
            while rc == MDB_SUCCESS {
                pages.enter(k.mv_data)
                let key = UnsafeRawBufferPointer(start: k.mv_data, count: k.mv_size)
                let value = UnsafeRawBufferPointer(start: v.mv_data, count: v.mv_size)
                guard try body(key, value) else { return }
                rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)
            }
            if rc != MDB_NOTFOUND { try check(rc) }
        }
    }

    /// Visits the entries whose keys start with `prefix`, in key order, while `body` returns true.
    public func forEach(
        _ db: Database, prefix: [UInt8],
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try forEach(db, from: prefix) { key, value in
            guard key.starts(with: prefix) else { return false }
            return try body(key, value)
        }
    }

    /// The size of the environment's pages.
    var pageSize: Int {
        var stat = MDB_stat()
        guard mdb_env_stat(mdb_txn_env(handle), &stat) == MDB_SUCCESS else { return 4096 }
        return Int(stat.ms_psize)
    }

    /// The number of entries in the database.
    public func count(_ db: Database) throws -> Int {
        var stat = MDB_stat()
        try check(mdb_stat(handle, db.dbi, &stat))
        return stat.ms_entries
    }

    // MARK: Writing

    /// Options for `put`.
    public struct PutOptions: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// The key sorts after every key present: LMDB appends without searching (`MDB_APPEND`).
        public static let append = PutOptions(rawValue: UInt32(MDB_APPEND))
        /// Fail with `LMDBError.keyExists` instead of replacing (`MDB_NOOVERWRITE`).
        public static let noOverwrite = PutOptions(rawValue: UInt32(MDB_NOOVERWRITE))
    }

    /// Stores `value` under `key`.
    public func put(_ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, options: PutOptions = []) throws {
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_put(handle, db.dbi, &k, &v, options.rawValue))
    }

    /// Stores `value` under `key`.
    public func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], options: PutOptions = []) throws {
        try key.withUnsafeBytes { k in
            try value.withUnsafeBytes { v in try put(db, key: k, value: v, options: options) }
        }
    }

    /// Hands `body` a writer of `db` through one cursor, for entries whose keys it gives in increasing order. Each
    /// `put` through a cursor starts its search from the page it wrote last, where `put` on the transaction descends
    /// from the root; into a database that held no entry, each key is appended (`MDB_APPEND`) without a search.
    ///
    /// With `matching` (made by another transaction's `match(_:)`), nothing is written here: the entries are compared
    /// with what that transaction holds in `db`.
    public func writeInKeyOrder<R>(_ db: Database, matching: KeyOrderMatch?, _ body: (KeyOrderWriter) throws -> R) throws -> R {
        if let matching { return try body(KeyOrderWriter(cursor: nil, txn: nil, dbi: db.dbi, appending: false, match: matching)) }
        let appending = try count(db) == 0
        return try withCursor(db) { cursor in try body(KeyOrderWriter(cursor: cursor, txn: handle, dbi: db.dbi, appending: appending, match: nil)) }
    }

    /// A comparison of entries given in key order with those `db` holds here (`KeyOrderMatch`), from the first key
    /// `>= from` through `through` (the whole database when both are nil), keeping the first `keeping` differences it
    /// finds, or, `mending` (a write transaction's), mending each where it finds it; finished before this transaction ends.
    public func match(_ db: Database, from: [UInt8]? = nil, through: [UInt8]? = nil, keeping: Int = .max, mending: Bool = false) throws -> KeyOrderMatch {
        try KeyOrderMatch(handle, db, from: from, through: through, keeping: keeping, mending: mending, pageSize: pageSize)
    }

    /// Removes the entry under `key`. - Returns: whether there was one.
    @discardableResult
    public func delete(_ db: Database, _ key: [UInt8]) throws -> Bool {
        try key.withUnsafeBytes { kb in
            var k = MDB_val(mv_size: kb.count, mv_data: UnsafeMutableRawPointer(mutating: kb.baseAddress))
            let rc = mdb_del(handle, db.dbi, &k, nil)
            if rc == MDB_NOTFOUND { return false }
            try check(rc)
            return true
        }
    }

    /// An existing database the environment was not opened with (one an older layout used), or nil when there is none.
    public func existingDatabase(named name: String) throws -> Database? {
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(handle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return nil }
        try check(rc)
        return Database(dbi: dbi, name: name)
    }

    /// Deletes the named database with its entries, if there is one (a database a newer layout no longer uses).
    /// - Returns: whether there was one.
    @discardableResult
    public func dropDatabase(named name: String) throws -> Bool {
        var dbi: MDB_dbi = 0
        let rc = mdb_dbi_open(handle, name, 0, &dbi)
        if rc == MDB_NOTFOUND { return false }
        try check(rc)
        try check(mdb_drop(handle, dbi, 1))
        return true
    }

    /// Removes every entry of the database, keeping the database itself.
    public func clear(_ db: Database) throws {
        try check(mdb_drop(handle, db.dbi, 0))
    }

    private func withCursor<R>(_ db: Database, _ body: (OpaquePointer) throws -> R) throws -> R {
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(handle, db.dbi, &cursor))
        guard let cursor else { throw LMDBError.badTransaction }
        defer { mdb_cursor_close(cursor) }
        return try body(cursor)
    }
}

@available(*, unavailable, message: "an LMDB write transaction belongs to the thread that began it")
extension Transaction: Sendable {}
