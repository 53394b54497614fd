import Glibc

/// What the ledger's projections need of a store: point reads and writes and ordered prefix scans.
///
/// An LMDB `Transaction` is one: the ledger's own, or one of a scratch environment a replay of the log writes
/// its projections into (for a rebuild or the books at an earlier point), with the same projection code.
public protocol KeyValueStore: ~Copyable {
    func get(_ db: Database, _ key: [UInt8]) throws -> [UInt8]?
    func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], options: Transaction.PutOptions) throws
    /// `put` of bytes held elsewhere (a table's arena, the stack): nothing is copied into arrays first.
    func put(_ db: Database, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, options: Transaction.PutOptions) throws
    @discardableResult func delete(_ db: Database, _ key: [UInt8]) throws -> Bool
    /// Visits the entries whose keys start with `prefix`, in key order, while `body` returns true.
    func forEach(_ db: Database, prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws
    /// The number of entries in the database.
    func count(_ db: Database) throws -> Int
    /// Hands `body` a writer of `db` for entries in increasing key order (see `Transaction.writeInKeyOrder`).
    /// With `matching`, compares them with another transaction's entries instead of writing them.
    func writeInKeyOrder<R>(_ db: Database, matching: KeyOrderMatch?, _ body: (KeyOrderWriter) throws -> R) throws -> R
}

extension Transaction: KeyValueStore {}

/// LMDB's default key order: bytes compared as unsigned, a shorter key first when it is a prefix of the other.
public enum KeyOrder {
    /// Negative, zero or positive as `a` sorts before, with or after `b`.
    public static func compare(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        guard let xs = a.baseAddress, let ys = b.baseAddress else { return a.count - b.count }
        let c = memcmp(xs, ys, min(a.count, b.count))
        return c != 0 ? Int(c) : a.count - b.count
    }

    /// Whether two byte arrays hold the same bytes (one `memcmp`; `==` on arrays compares element by element).
    public static func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && a.withUnsafeBytes { x in b.withUnsafeBytes { y in compare(x, y) == 0 } }
    }
}

extension KeyValueStore where Self: ~Copyable {
    /// Hands `body` a writer of `db` for entries in increasing key order.
    public func writeInKeyOrder<R>(_ db: Database, _ body: (KeyOrderWriter) throws -> R) throws -> R {
        try writeInKeyOrder(db, matching: nil, body)
    }

    /// Stores `value` under `key`, replacing what was there.
    public func put(_ db: Database, _ key: [UInt8], _ value: [UInt8]) throws {
        try put(db, key, value, options: [])
    }
}
