import Foundation
import LMDBStore

/// Projections replayed from the log into an LMDB environment of their own, in a scratch directory inside the
/// data directory, so that a replay of any length needs little memory: the pages live in the file, not in the
/// process. Its databases are opened in the ledger's order, so the ledger's database handles serve it too.
/// The directory is removed when the state is dropped, unless it was kept for a settled point (`keep(as:…)`): then
/// later processes asking about the same point open it instead of replaying the log again.
final class ReplayedState: @unchecked Sendable {  // the environment is thread-safe; `last` and `kept` are set before it is shared
    let env: Environment
    private(set) var directory: String
    /// The last position replayed into it.
    var last: UInt64 = 0
    /// The most memory the replay held at once in recipients' summaries (`ReplayCache.summaryBytesPeak`).
    var summaryBytesPeak = 0
    /// The projections a rebuild's or a check's replay compared with the stored ones as it went instead of writing
    /// them here (by name): how the stored entries differ (a check's), how many entries the replay gives, and how many
    /// differences were mended as they were found (a rebuild's) (`Ledger.replay(…comparing:…)`).
    var matched: [String: (differences: [Ledger.ProjectionDifference], entries: Int, mended: Int)] = [:]
    /// Whether it is kept on disk for later processes.
    private(set) var kept = false

    /// Scratch directories are named with this prefix; ones left by a process that died are removed on open.
    static let prefix = "replay-"
    /// Kept replays of settled points: `asof-p<position>` or `asof-d<date>`. At most `keptLimit` are kept.
    static let keptPrefix = "asof-"
    static let keptLimit = 2
    /// Copies of a replay's projections at multiples of the ledger's `milestoneEvery`: `milestone-p<position>`. At
    /// most the ledger's `milestonesKept` are kept (the latest made).
    static let milestonePrefix = "milestone-p"

    /// A new scratch replay; with `base`, it starts where `base` ends, from a compacted copy of its environment, so a
    /// question about a later point replays only the records after `base`.
    init(in dataDirectory: String, like ledger: Environment, mapSize: Int, continuing base: ReplayedState? = nil) throws {
        directory = dataDirectory + "/" + ReplayedState.prefix + UUID().uuidString
        if let base {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try base.env.copyCompacted(to: directory)
            last = base.last
        }
        // Nothing here needs to survive a crash: commits are not synced. (Not `MDB_WRITEMAP`, though it keeps a
        // write transaction's pages out of the process's memory: on a full disk a write into the map kills the
        // process with SIGBUS, where a write of a copied page fails with an error the caller can report.)
        env = try Environment(path: directory, databases: LedgerStore.names, mapSize: mapSize, durability: .relaxed)
        try ReplayedState.requireSameOrder(env, ledger)
    }

    /// The ledger's database handles serve a replay only when its databases opened in the same order.
    private static func requireSameOrder(_ env: Environment, _ ledger: Environment) throws {
        for name in LedgerStore.names where env.database(name) != ledger.database(name) {
            throw LedgerError(.storage, "the replay's database \(name) did not open in the ledger's order")
        }
    }

    private init(env: Environment, directory: String, last: UInt64) {
        self.env = env
        self.directory = directory
        self.last = last
        kept = true
    }

    deinit { if !kept { try? FileManager.default.removeItem(atPath: directory) } }

    static func keptName(_ point: AsOf) -> String? {
        switch point {
        case .head: nil
        case .position(let p): keptPrefix + "p\(p)"
        case .endOfDay(let d): keptPrefix + "d\(d)"
        }
    }

    /// The points whose replays are kept in `dataDirectory`.
    static func keptPoints(in dataDirectory: String) -> [AsOf] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        return names.compactMap { name -> AsOf? in
            guard name.hasPrefix(keptPrefix) else { return nil }
            let rest = name.dropFirst(keptPrefix.count)
            switch rest.first {
            case "p": return UInt64(rest.dropFirst()).map { .position($0) }
            case "d": return (try? BusinessDate.parse(String(rest.dropFirst()), field: "date")).map { .endOfDay($0) }
            default: return nil
            }
        }
    }

    /// The positions of the milestones kept in `dataDirectory`.
    static func milestones(in dataDirectory: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        return names.compactMap { $0.hasPrefix(milestonePrefix) ? UInt64($0.dropFirst(milestonePrefix.count)) : nil }
    }

    /// The kept replay of `point`, when there is one and the log still holds, with the same hash, the record it was
    /// replayed up to (`hash(position)`); a kept replay that does not match is removed.
    static func openKept(
        in dataDirectory: String, point: AsOf, like ledger: Environment, hash: (UInt64) throws -> [UInt8]?
    ) -> ReplayedState? {
        guard let name = keptName(point) else { return nil }
        return openKept(at: dataDirectory + "/" + name, like: ledger, hash: hash)
    }

    /// The milestone at `position`, on the same terms as `openKept(in:point:…)`.
    static func openMilestone(
        in dataDirectory: String, at position: UInt64, like ledger: Environment, hash: (UInt64) throws -> [UInt8]?
    ) -> ReplayedState? {
        openKept(at: dataDirectory + "/" + milestonePrefix + "\(position)", like: ledger, hash: hash)
    }

    private static func openKept(at path: String, like ledger: Environment, hash: (UInt64) throws -> [UInt8]?) -> ReplayedState? {
        guard FileManager.default.fileExists(atPath: path + "/data.mdb") else { return nil }
        do {
            let env = try Environment(path: path, databases: LedgerStore.names, durability: .relaxed)
            try requireSameOrder(env, ledger)
            guard let mark = try env.read({ txn in try txn.get(env.database("meta"), Array("replayed".utf8)) }), mark.count == 40 else {
                throw LedgerError(.corruptRecord, "a kept replay without its mark")
            }
            let last = LedgerStore.readBE64(mark)
            let recorded = last == 0 ? Array(mark[8...]) : try hash(last)
            guard recorded == Array(mark[8...]) else { throw LedgerError(.corruptRecord, "a kept replay of another log") }
            return ReplayedState(env: env, directory: path, last: last)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    /// Keeps this replay on disk for later processes asking about `point`, marked with the hash of the last record
    /// replayed; keeps at most `keptLimit` such points. Another process that kept the same point first wins.
    func keep(as point: AsOf, lastHash: [UInt8], in dataDirectory: String) throws {
        guard !kept, let name = ReplayedState.keptName(point) else { return }
        try mark(lastHash: lastHash)
        try env.sync()
        let path = dataDirectory + "/" + name
        guard rename(directory, path) == 0 else { return }
        directory = path
        kept = true
        ReplayedState.prune(prefix: ReplayedState.keptPrefix, besides: name, keeping: ReplayedState.keptLimit - 1, in: dataDirectory)
    }

    /// Keeps a compacted copy of this replay, which has just reached a milestone, for any later question about a
    /// point after it; the replay itself goes on. Nothing is done when the milestone is already kept.
    func keepMilestone(lastHash: [UInt8], in dataDirectory: String, keeping: Int) throws {
        let name = ReplayedState.milestonePrefix + "\(last)"
        let path = dataDirectory + "/" + name
        guard !FileManager.default.fileExists(atPath: path) else { return }
        try mark(lastHash: lastHash)
        // Copied under a scratch name, so a copy cut short is never taken for a milestone (and is removed on open).
        let copy = dataDirectory + "/" + ReplayedState.prefix + UUID().uuidString
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        try env.copyCompacted(to: copy)
        guard rename(copy, path) == 0 else { try? FileManager.default.removeItem(atPath: copy); return }
        ReplayedState.prune(prefix: ReplayedState.milestonePrefix, besides: name, keeping: keeping - 1, in: dataDirectory)
    }

    /// Marks the replay with its last position and that record's hash: the check a later process makes before using it.
    private func mark(lastHash: [UInt8]) throws {
        try env.write { txn in try txn.put(env.database("meta"), Array("replayed".utf8), LedgerStore.be64(last) + lastHash) }
    }

    /// Removes the least recently changed directories named with `prefix`, other than `besides` (the one just
    /// kept), beyond the `keeping` latest.
    private static func prune(prefix: String, besides name: String, keeping: Int, in dataDirectory: String) {
        let kept = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? [])
            .filter { $0.hasPrefix(prefix) && $0 != name }
            .map { (name: $0, modified: (try? FileManager.default.attributesOfItem(atPath: dataDirectory + "/" + $0)[.modificationDate] as? Date) ?? .distantPast) }
            .sorted { $0.modified > $1.modified }
        for old in kept.dropFirst(keeping) { try? FileManager.default.removeItem(atPath: dataDirectory + "/" + old.name) }
    }

    /// Removes the milestones beyond the `keeping` made last.
    static func pruneMilestones(in dataDirectory: String, keeping: Int) {
        prune(prefix: milestonePrefix, besides: "", keeping: keeping, in: dataDirectory)
    }

    /// Removes every kept replay and milestone (after an erasure, so no earlier state of the document index stays on
    /// disk).
    static func forgetKept(in dataDirectory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        for name in names where name.hasPrefix(keptPrefix) || name.hasPrefix(milestonePrefix) {
            try? FileManager.default.removeItem(atPath: dataDirectory + "/" + name)
        }
    }

    /// Removes scratch directories in `dataDirectory` (left by a process that stopped mid-replay). Another process
    /// still using one keeps its open files; only their names go.
    static func removeLeftovers(in dataDirectory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? []
        for name in names where name.hasPrefix(prefix) { try? FileManager.default.removeItem(atPath: dataDirectory + "/" + name) }
    }
}
