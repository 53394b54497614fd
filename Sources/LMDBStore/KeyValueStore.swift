import Glibc

/// What the ledger's projections need of a store: point reads and writes and ordered prefix scans.
///
/// An LMDB `Transaction` is one; `MemoryStore` is another, used to replay the log into memory
/// for a rebuild or for the state at an earlier point, with the same projection code.
public protocol KeyValueStore: ~Copyable {
    func get(_ db: Database, _ key: [UInt8]) throws -> [UInt8]?
    func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], options: Transaction.PutOptions) throws
    @discardableResult func delete(_ db: Database, _ key: [UInt8]) throws -> Bool
    /// Visits the entries whose keys start with `prefix`, in key order, while `body` returns true.
    func forEach(_ db: Database, prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws
}

extension Transaction: KeyValueStore {}

/// An in-memory store with the same interface as a transaction, keyed by database: a replay of the
/// log writes its projections here.
public final class MemoryStore: KeyValueStore {
    private var tables: [UInt32: [Key: [UInt8]]] = [:]

    /// A key hashed as one run of bytes (an array of bytes hashes byte by byte, which is slow).
    struct Key: Hashable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    public init() {}

    public func get(_ db: Database, _ key: [UInt8]) throws -> [UInt8]? {
        tables[db.dbi]?[Key(bytes: key)]
    }

    public func put(_ db: Database, _ key: [UInt8], _ value: [UInt8], options: Transaction.PutOptions = []) throws {
        if options.contains(.noOverwrite), tables[db.dbi]?[Key(bytes: key)] != nil { throw LMDBError.keyExists }
        tables[db.dbi, default: [:]][Key(bytes: key)] = value
    }

    @discardableResult
    public func delete(_ db: Database, _ key: [UInt8]) throws -> Bool {
        tables[db.dbi]?.removeValue(forKey: Key(bytes: key)) != nil
    }

    public func forEach(_ db: Database, prefix: [UInt8], _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool) throws {
        guard let table = tables[db.dbi] else { return }
        for key in table.keys.map(\.bytes).filter({ $0.starts(with: prefix) }).sorted(by: MemoryStore.precedes) {
            let value = table[Key(bytes: key)]!
            let go = try key.withUnsafeBytes { k in try value.withUnsafeBytes { v in try body(k, v) } }
            if !go { return }
        }
    }

    /// Every entry of a database in key order.
    public func sortedEntries(_ db: Database) -> [(key: [UInt8], value: [UInt8])] {
        (tables[db.dbi] ?? [:]).map { ($0.key.bytes, $0.value) }.sorted { MemoryStore.precedes($0.0, $1.0) }
    }

    /// LMDB's default key order: bytes compared as unsigned, a shorter key first when it is a prefix.
    static func precedes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { x in b.withUnsafeBytes { y in order(x, y) < 0 } }
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b` in LMDB's default key order.
    public static func order(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        guard let xs = a.baseAddress, let ys = b.baseAddress else { return a.count - b.count }
        let c = memcmp(xs, ys, min(a.count, b.count))
        return c != 0 ? Int(c) : a.count - b.count
    }
}

extension KeyValueStore where Self: ~Copyable {
    /// Stores `value` under `key`, replacing what was there.
    public func put(_ db: Database, _ key: [UInt8], _ value: [UInt8]) throws {
        try put(db, key, value, options: [])
    }
}
