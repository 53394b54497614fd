import Foundation
import LMDBStore

/// Projections replayed from the log into an LMDB environment of their own, in a scratch directory inside the
/// data directory, so that a replay of any length needs little memory: the pages live in the file, not in the
/// process. Its databases are opened in the ledger's order, so the ledger's database handles serve it too.
/// The directory is removed when the state is dropped.
final class ReplayedState: @unchecked Sendable {  // the environment is thread-safe; `last` is set before it is shared
    let env: Environment
    let directory: String
    /// The last position replayed into it.
    var last: UInt64 = 0

    /// Scratch directories are named with this prefix; ones left by a process that died are removed on open.
    static let prefix = "replay-"

    init(in dataDirectory: String, like ledger: Environment, mapSize: Int) throws {
        directory = dataDirectory + "/" + ReplayedState.prefix + UUID().uuidString
        // Nothing here needs to survive a crash: commits are not synced.
        env = try Environment(path: directory, databases: LedgerStore.names, mapSize: mapSize, durability: .relaxed)
        for name in LedgerStore.names where env.database(name) != ledger.database(name) {
            throw LedgerError(.storage, "the replay's database \(name) did not open in the ledger's order")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Removes scratch directories in `dataDirectory` (left by a process that stopped mid-replay). Another process
    /// still using one keeps its open files; only their names go.
    static func removeLeftovers(in dataDirectory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        for name in names where name.hasPrefix(prefix) { try? FileManager.default.removeItem(atPath: dataDirectory + "/" + name) }
    }
}
