import CLMDB

/// An error from LMDB or from the storage layer, carrying LMDB's result code.
///
/// Raw C codes never leave this module: callers match on the named constants,
/// for example `catch LMDBError.mapFull`.
public struct LMDBError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// LMDB's result code (negative for LMDB's own errors, positive for `errno` values).
    public let code: Int32

    public init(code: Int32) { self.code = code }

    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)
    public static let readersFull = LMDBError(code: MDB_READERS_FULL)
    public static let databasesFull = LMDBError(code: MDB_DBS_FULL)
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL)
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    public static let invalid = LMDBError(code: MDB_INVALID)
    public static let versionMismatch = LMDBError(code: MDB_VERSION_MISMATCH)
    public static let badTransaction = LMDBError(code: MDB_BAD_TXN)
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)
    public static let noSpace = LMDBError(code: 28)  // ENOSPC
    public static let ioError = LMDBError(code: 5)  // EIO
    public static let permissionDenied = LMDBError(code: 13)  // EACCES
    public static let noSuchFile = LMDBError(code: 2)  // ENOENT

    /// LMDB's own wording of the error.
    public var description: String {
        "LMDB error \(code): " + String(cString: mdb_strerror(code))
    }

    /// Lets `catch LMDBError.mapFull` match any thrown error with that code.
    public static func ~= (pattern: LMDBError, error: any Error) -> Bool {
        (error as? LMDBError)?.code == pattern.code
    }
}

/// Throws when an LMDB call did not succeed.
@inline(__always)
func check(_ rc: Int32) throws(LMDBError) {
    if rc != MDB_SUCCESS { throw LMDBError(code: rc) }
}
