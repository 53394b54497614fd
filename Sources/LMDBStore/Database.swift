import CLMDB

/// A named database (LMDB's `MDB_dbi`) inside an environment.
///
/// Handles are opened once, when the environment is opened, and stay valid until it closes.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The name the database was opened with.
    public let name: String
}
