import CLMDB

/// A named database (LMDB's `MDB_dbi`) inside an environment.
///
/// Handles are opened once, when the environment is opened, and stay valid until it closes.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The name the database was opened with.
    public let name: String

    // One environment opens each name once, so the handle alone tells databases apart (and hashes fast).
    public static func == (a: Database, b: Database) -> Bool { a.dbi == b.dbi }
    public func hash(into hasher: inout Hasher) { hasher.combine(dbi) }
}
