import CLMDB

/// Writes entries of one database in increasing key order through one cursor (`Transaction.writeInKeyOrder`); valid
/// only inside that call. Made with a `KeyOrderMatch`, it compares them with another transaction's instead.
public struct KeyOrderWriter {
    let cursor: OpaquePointer?
    let txn: OpaquePointer?
    let dbi: MDB_dbi
    /// Whether the database held no entry when the writing began: no key written now can be there already.
    public let appending: Bool
    let match: KeyOrderMatch?

    /// Stores `value` under `key`, a key after every one written before through this writer.
    public func put(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        if let match { return try match.expect(key: key, value: value) }
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        var v = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
        try check(mdb_cursor_put(cursor, &k, &v, appending ? UInt32(MDB_APPEND) : 0))
    }

    /// Removes the entry under `key`, if there is one (into a database written from empty, there is none; compared,
    /// an entry is expected only where one is put).
    public func delete(key: UnsafeRawBufferPointer) throws {
        guard !appending, match == nil else { return }
        var k = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
        let rc = mdb_del(txn, dbi, &k, nil)
        if rc != MDB_NOTFOUND { try check(rc) }
    }
}
