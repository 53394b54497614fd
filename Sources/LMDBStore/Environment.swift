import CLMDB
import Glibc

/// An LMDB environment: one data directory holding named databases.
///
/// Readers use `MDB_NOTLS`, so a read transaction is not tied to a thread. Write transactions must
/// begin and end on one thread and never span an `await`; `SerialWriter` provides that thread.
/// When the map is full, `write` grows it and runs the body again, so nothing is lost.
public final class Environment: @unchecked Sendable {  // LMDB's environment handle is thread-safe; map growth is guarded by `growth`
    /// How durable a commit is.
    public enum Durability: Sendable {
        /// Every commit is on disk before it returns (LMDB's default). The only mode the ledger acknowledges by default.
        case synchronous
        /// Commits return before the data reaches the disk (`MDB_NOSYNC`): a power cut may lose the last commits,
        /// though the file stays consistent. Only for bulk loads an operator asks for explicitly.
        case relaxed
    }

    let handle: OpaquePointer
    private let growth = ReadWriteLock()
    /// Read transactions that ended, kept reset with their reader slots so the next read renews one
    /// instead of taking a slot again.
    private let idleReaders = IdleReaders()
    private var databases: [String: Database] = [:]
    /// The directory holding `data.mdb` and `lock.mdb`.
    public let path: String

    /// Opens (creating when missing) the environment in `path` and its named databases.
    /// - Parameters:
    ///   - path: a directory; created when missing.
    ///   - databases: the names of the databases to open or create.
    ///   - mapSize: the initial map size in bytes; it grows by doubling when full.
    ///   - durability: `.synchronous` unless an operator asked for speed over safety.
    public init(
        path: String,
        databases names: [String],
        mapSize: Int = 64 << 20,
        maxReaders: UInt32 = 254,
        durability: Durability = .synchronous
    ) throws {
        self.path = path
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw LMDBError(code: errno) }
        var env: OpaquePointer?
        try check(mdb_env_create(&env))
        guard let env else { throw LMDBError.invalid }
        var flags = UInt32(MDB_NOTLS)
        if durability == .relaxed { flags |= UInt32(MDB_NOSYNC) }
        do {
            // Room for a few more than named, so a retired database can be opened to be dropped.
            try check(mdb_env_set_maxdbs(env, MDB_dbi(names.count + 4)))
            try check(mdb_env_set_mapsize(env, mapSize))
            try check(mdb_env_set_maxreaders(env, maxReaders))
            try Environment.reserveLockFile(in: path, readers: maxReaders)
            try check(mdb_env_open(env, path, flags, 0o600))
        } catch {
            mdb_env_close(env)  // an environment that failed to open must still be closed
            throw error
        }
        handle = env
        _ = clearStaleReaders()
        var opened: [String: Database] = [:]
        try write { txn in
            for name in names {
                var dbi = MDB_dbi()
                try check(mdb_dbi_open(txn.handle, name, UInt32(MDB_CREATE), &dbi))
                opened[name] = Database(dbi: dbi, name: name)
            }
        }
        databases = opened
    }

    deinit {
        idleReaders.drain()
        mdb_env_close(handle)
    }

    /// The database opened under `name`.
    public func database(_ name: String) -> Database {
        guard let db = databases[name] else { preconditionFailure("database \(name) was not opened") }
        return db
    }

    /// LMDB makes a new environment's lock file by extending it and then writes it through a shared map: on a full
    /// disk that write kills the process (SIGBUS). Taking the file's blocks first turns a full disk into an error.
    /// The size covers the reader table LMDB asks for (64 bytes a reader and its header); a larger file only lets it
    /// seat more readers.
    private static func reserveLockFile(in path: String, readers: UInt32) throws {
        let file = path + "/lock.mdb"
        let fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            throw LMDBError(code: errno)
        }
        defer { close(fd) }
        let rc = posix_fallocate(fd, 0, off_t((Int(readers) + 1) * 64 + 4096))
        if rc != 0 {
            unlink(file)
            throw LMDBError(code: rc)
        }
    }

    /// Runs `body` in a read-only transaction, seeing one consistent snapshot.
    public func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            do {
                return try growth.withShared {
                    let txn = try beginRead()
                    let result = try body(txn)
                    idleReaders.put(txn.reset())  // a reader has nothing to commit; its slot is kept for the next
                    return result
                }
            } catch LMDBError.mapResized {
                try adoptGrowthByAnotherProcess()
            }
        }
    }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    ///
    /// When the map is full the transaction is aborted, the map doubled and `body` run again,
    /// so `body` must not keep effects outside the transaction.
    @available(*, noasync, message: "a write transaction must not span an await; use SerialWriter")
    public func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            do {
                return try growth.withShared {
                    let txn = try begin(readOnly: false)
                    let result = try body(txn)
                    try txn.commit()
                    return result
                }
            } catch LMDBError.mapFull {
                try grow()
            } catch LMDBError.mapResized {
                try adoptGrowthByAnotherProcess()
            }
        }
    }

    /// Flushes the data file to disk; needed after relaxed commits.
    public func sync() throws {
        try check(mdb_env_sync(handle, 1))
    }

    /// The current size of the map in bytes.
    public var mapSize: Int {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info.me_mapsize
    }

    /// Removes reader slots left by processes that died holding a read transaction.
    /// - Returns: how many slots were cleared.
    @discardableResult
    public func clearStaleReaders() -> Int {
        var dead: Int32 = 0
        mdb_reader_check(handle, &dead)
        return Int(dead)
    }

    /// Doubles the map. Waits until no transaction of this process is open, as LMDB requires.
    private func grow() throws {
        try growth.withExclusive {
            idleReaders.drain()
            try check(mdb_env_set_mapsize(handle, mapSize * 2))
        }
    }

    /// Another process grew the map: adopt its size once no transaction of ours is open.
    private func adoptGrowthByAnotherProcess() throws {
        try growth.withExclusive {
            idleReaders.drain()
            try check(mdb_env_set_mapsize(handle, 0))
        }
    }

    /// A read transaction: an idle one renewed, or a new one.
    private func beginRead() throws -> Transaction {
        while let idle = idleReaders.take() {
            if mdb_txn_renew(idle) == 0 { return Transaction(handle: idle, env: handle) }
            mdb_txn_abort(idle)
        }
        return try begin(readOnly: true)
    }

    private func begin(readOnly: Bool) throws -> Transaction {
        var txn: OpaquePointer?
        try check(mdb_txn_begin(handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &txn))
        guard let txn else { throw LMDBError.badTransaction }
        return Transaction(handle: txn, env: handle)
    }
}

extension Environment {
    /// Writes a copy of the environment to `directory` without its free pages (`mdb_env_copy2` with `MDB_CP_COMPACT`).
    public func copyCompacted(to directory: String) throws {
        try check(mdb_env_copy2(handle, directory, UInt32(MDB_CP_COMPACT)))
    }
}

/// Reset read transactions waiting to be renewed, at most a few (each holds a reader slot).
final class IdleReaders: @unchecked Sendable {  // every access holds `lock`
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private var handles: [OpaquePointer] = []
    static let capacity = 16

    init() {
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    func take() -> OpaquePointer? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return handles.popLast()
    }

    func put(_ txn: OpaquePointer) {
        pthread_mutex_lock(lock)
        if handles.count < IdleReaders.capacity {
            handles.append(txn)
            pthread_mutex_unlock(lock)
        } else {
            pthread_mutex_unlock(lock)
            mdb_txn_abort(txn)
        }
    }

    /// Ends every idle transaction (before the map is resized or the environment closed).
    func drain() {
        pthread_mutex_lock(lock)
        let all = handles
        handles = []
        pthread_mutex_unlock(lock)
        for txn in all { mdb_txn_abort(txn) }
    }
}
