import Foundation
import LMDBStore

/// The ledger: an append-only, hash-chained event log in LMDB, with the projections its checks need.
///
/// All writes go through one writer thread (`SerialWriter`); each batch of commands is one LMDB write
/// transaction. A command's checks only read, so a rejected command leaves no trace while the others commit
/// (see `execute(batch:in:)`). A command is acknowledged only after its transaction committed to disk.
public final class Ledger: @unchecked Sendable {  // the environment and writer are thread-safe; the rest is immutable
    public let directory: String
    let env: Environment
    let store: LedgerStore
    let secret: LedgerSecret
    /// The recipients' data keys, outside the event log.
    let keys: KeyStore
    let writer: SerialWriter
    /// Microseconds since 1970; replaceable so tests can set the clock.
    let clock: @Sendable () -> Int64
    /// Events a replay projects between commits of its scratch environment; a fifth as many entries are compared at once.
    let replayChunk: Int
    /// The memory a replay's recipients' summaries may hold before it commits its chunk (see `init`).
    let replayMemory: Int
    /// An as-of replay keeps a copy of its projections at every multiple of this many events (`DATA/milestone-p…`).
    let milestoneEvery: UInt64
    /// How many milestones are kept (the latest made); none are made when 0.
    let milestonesKept: Int
    /// Unless an operator says otherwise: a milestone every million events, the ten latest kept.
    public static let defaultMilestoneEvery: UInt64 = 1_000_000
    /// What a replay's recipients' summaries may hold in memory before it commits its chunk: 256 MiB, about 110,000
    /// households of a year's distributions, fewer with longer histories.
    public static let defaultReplayMemory = 256 << 20
    public static let defaultMilestonesKept = 10
    /// The last settled point replayed for an as-of question (see `atPoint`).
    let pastStates = Locked<[AsOf: ReplayedState]>([:])
    /// Held while a settled point's replay is found, opened or made.
    let settling = NSLock()
    /// Decoded donors, sites, items and campaigns, checked against the registry's bytes on every use.
    let registrations = RegistrationCache()
    /// The recipient summary the writer decoded or wrote last.
    let summaries = SummaryMemo()

    /// The LMDB environment's directory inside the data directory.
    public static let eventsDirectory = "events"

    /// Whether `directory` holds a ledger.
    public static func exists(at directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/" + eventsDirectory + "/data.mdb")
    }

    /// Opens the ledger in `directory`.
    /// - Parameters:
    ///   - create: make a new ledger when there is none; otherwise a missing ledger is an error.
    ///   - durability: `.relaxed` only when an operator asked for it (bulk loads): see docs/ARCHITECTURE.md.
    ///   - mapSize: the initial LMDB map; it grows when full.
    ///   - replayChunk: a replay (rebuild, as-of) commits its scratch environment whenever it holds twice this many
    ///     recipients' summaries, entities' versions or counters, or has projected twenty times this many events: what it
    ///     holds in memory at once. A replay (a rebuild, a check, an as-of question) of a ledger with at most five
    ///     times this many registered entities runs in one step (holding up to six times this many). Verification and reports
    ///     read this many positions per read transaction.
    ///   - replayMemory: a replay also commits whenever the recipients' summaries it holds take about this many bytes
    ///     (households with long histories take more each than the count above assumes).
    ///   - milestoneEvery: an as-of replay that passes a multiple of this many events keeps a copy of the projections
    ///     there, so a later question about any point after it replays at most this many events.
    ///   - milestonesKept: how many milestones stay on disk (the latest made; each is the size of the projections at
    ///     its point); 0 makes none.
    ///   - notice: told, in words, when opening takes long: a ledger written under an older layout is brought up to date.
    public init(
        directory: String, create: Bool = false, durability: Environment.Durability = .synchronous,
        mapSize: Int = 64 << 20, replayChunk: Int = 50_000, replayMemory: Int = Ledger.defaultReplayMemory, milestoneEvery: UInt64 = Ledger.defaultMilestoneEvery,
        milestonesKept: Int = Ledger.defaultMilestonesKept, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) },
        notice: ((String) -> Void)? = nil
    ) throws(LedgerError) {
        guard create || Ledger.exists(at: directory) else {
            throw LedgerError(.noLedger, "there is no ledger in \(directory); create one with `aidledger init --data \(directory)`")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            secret = try LedgerSecret.load(directory: directory, create: create)
            env = try Environment(path: directory + "/" + Ledger.eventsDirectory, databases: LedgerStore.names, mapSize: mapSize, durability: durability)
            keys = try KeyStore(directory: directory, create: create)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError(.storage, "cannot open the ledger in \(directory): \(error)")
        }
        self.directory = directory
        store = LedgerStore(env)
        ReplayedState.removeLeftovers(in: directory)
        writer = SerialWriter()
        self.clock = clock
        self.replayChunk = max(1, replayChunk)
        self.replayMemory = max(1, replayMemory)
        self.milestoneEvery = max(1, milestoneEvery)
        self.milestonesKept = max(0, milestonesKept)
        // An operator who lowered the number gets the disk back now, not when the next milestone is made.
        ReplayedState.pruneMilestones(in: directory, keeping: self.milestonesKept)
        try upgradeLayoutIfNeeded(notice: notice)
    }

    /// The writer thread has ended when the ledger is gone, so a command-line process exits with no thread of its own running.
    deinit { writer.stopAndWait() }

    /// Lets the batch in flight and those queued commit, then stops the writer. Call before exiting.
    public func close() {
        writer.stopAndWait()
    }

    /// Commits `commands` as one batch and answers each: its outcome, or the reason it was refused.
    ///
    /// Returns only after the batch is on disk. A storage failure aborts the whole batch and is thrown.
    @available(*, noasync, message: "use the async submit")
    public func submit(_ commands: [Command]) throws(LedgerError) -> [Result<Outcome, LedgerError>] {
        do {
            return try writer.performAndWait { try env.write { txn in try self.execute(batch: commands, in: txn) } }
        } catch {
            throw Ledger.storageError(error)
        }
    }

    /// Commits one command. - Throws: its rejection, or a storage failure.
    @available(*, noasync, message: "use the async submit")
    public func submit(_ command: Command) throws(LedgerError) -> Outcome {
        try submit([command])[0].get()
    }

    /// Commits `commands` as one batch on the writer thread.
    public func submit(_ commands: [Command]) async throws(LedgerError) -> [Result<Outcome, LedgerError>] {
        do {
            return try await writer.perform { [self] in try env.write { txn in try self.execute(batch: commands, in: txn) } }
        } catch {
            throw Ledger.storageError(error)
        }
    }

    /// The error to show for a failure of the store. `lost` says what a full or failing disk cost: by default, the
    /// batch being written.
    static func storageError(_ error: any Error, lost: String = "nothing of this batch was saved") -> LedgerError {
        if let e = error as? LedgerError { return e }
        if LMDBError.noSpace ~= error {
            return LedgerError(.storage, "the disk is full: \(lost); free space and try again")
        }
        if LMDBError.ioError ~= error {
            // LMDB reports a short write (a disk filling up mid-write) as an I/O error.
            return LedgerError(.storage, "the disk could not be written (it is full or failing): \(lost); free space or check the disk and try again")
        }
        return LedgerError(.storage, "the ledger could not save: \(error)")
    }

    /// Runs `body` on a consistent snapshot of the ledger.
    func read<R>(_ body: (borrowing Transaction) throws -> R) throws(LedgerError) -> R {
        do {
            return try env.read(body)
        } catch {
            throw Ledger.storageError(error)
        }
    }

    /// The position and hash of the last record (0 and zeros when the log is empty).
    public func head() throws(LedgerError) -> (position: UInt64, hash: String) {
        let h = try read { txn in try store.head(txn) }
        return (h.position, h.hash.hexString)
    }

    /// The keyed hash of a document number, for finding a recipient by document.
    public func documentHash(_ type: DocumentType, _ number: String) -> [UInt8] { secret.documentHash(type, number) }
}

extension Ledger {
    /// Forces relaxed commits to disk.
    public func sync() throws(LedgerError) {
        do { try env.sync() } catch { throw Ledger.storageError(error, lost: "the latest relaxed commits may not be on disk yet") }
    }
}

/// A value behind a lock.
final class Locked<Value>: @unchecked Sendable {  // every access goes through `lock`
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
