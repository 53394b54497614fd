import Crypto
import Foundation
import LMDBStore

/// The recipients' data keys, in an LMDB environment of their own (`DATA/keys/`), never in the event log:
/// erasing a key leaves no copy in the log's pages or in a copy of the log. Each key is stored wrapped
/// (AES-GCM) under the master key, which is read from `$AIDLEDGER_MASTER_KEY` (hex), the file named by
/// `$AIDLEDGER_MASTER_KEY_FILE`, or `DATA/master.key`.
public final class KeyStore: @unchecked Sendable {  // the environment is thread-safe; writes run on the ledger's writer thread
    let directory: String
    private var env: Environment
    private var master: [UInt8]?
    /// Held shared while the store is open, so a compaction knows whether another process has it open.
    private let holders: Int32
    /// Why the master key could not be read, when it could not.
    private(set) var masterProblem: String?

    public static let masterKeyFile = "master.key"

    init(directory: String, create: Bool) throws {
        self.directory = directory
        env = try Environment(path: directory + "/keys", databases: ["keys", "meta"], mapSize: 16 << 20)
        holders = open(directory + "/keys/holders.lock", O_RDWR | O_CREAT, 0o600)
        flock(holders, LOCK_SH)
        let loaded = KeyStore.loadMaster(directory: directory, create: create)
        master = loaded.key
        masterProblem = loaded.problem
        if let loadedKey = master {
            // The store remembers a fingerprint of its master key, to tell a wrong key from a damaged one.
            let fingerprint = Array(SHA256.hash(data: Array("aidledger-master".utf8) + loadedKey))
            // Read first: opening must not wait for another process's write; write only the first time.
            let known = try env.read { txn in try txn.get(env.database("meta"), Array("master".utf8)) }
            let fits = try known.map { $0 == fingerprint } ?? env.write { txn in
                if let known = try txn.get(env.database("meta"), Array("master".utf8)) { return known == fingerprint }
                try txn.put(env.database("meta"), Array("master".utf8), fingerprint)
                return true
            }
            if !fits {
                // A wrong key opens nothing and writes nothing; the rest of the ledger works without it.
                master = nil
                masterProblem = "the master key does not fit this ledger's key store: personal data cannot be read or recorded with it"
            }
        }
    }

    deinit { close(holders) }

    static func loadMaster(directory: String, create: Bool) -> (key: [UInt8]?, problem: String?) {
        let environment = ProcessInfo.processInfo.environment
        if let hex = environment["AIDLEDGER_MASTER_KEY"] {
            guard let bytes = hex.trimmingCharacters(in: .whitespacesAndNewlines).hexBytes, bytes.count == 32 else {
                return (nil, "AIDLEDGER_MASTER_KEY must be 64 hexadecimal digits")
            }
            return (bytes, nil)
        }
        let path = environment["AIDLEDGER_MASTER_KEY_FILE"] ?? directory + "/" + masterKeyFile
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let bytes = text.trimmingCharacters(in: .whitespacesAndNewlines).hexBytes, bytes.count == 32 else {
                return (nil, "the master key in \(path) is damaged: it must be 64 hexadecimal digits")
            }
            return (bytes, nil)
        }
        guard create else { return (nil, "the master key \(path) is missing; restore it from its backup to read personal data") }
        let key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        guard FileManager.default.createFile(atPath: path, contents: Data((key.hexString + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            return (nil, "cannot write the master key to \(path)")
        }
        return (key, nil)
    }

    private func requireMaster() throws(LedgerError) -> SymmetricKey {
        guard let master else { throw LedgerError(.keyMissing, masterProblem ?? "the master key is missing") }
        return SymmetricKey(data: master)
    }

    /// Makes (or replaces) the recipient's data key and returns it.
    func newDataKey(for recipient: String) throws -> SymmetricKey {
        let wrapping = try requireMaster()
        let key = SymmetricKey(size: .bits256)
        let wrapped = try AES.GCM.seal(key.withUnsafeBytes { Data($0) }, using: wrapping, authenticating: Data(recipient.utf8)).combined!
        try env.write { txn in try txn.put(env.database("keys"), Array(recipient.utf8), Array(wrapped)) }
        return key
    }

    /// The recipient's data key; nil when it was erased (or never made).
    func dataKey(for recipient: String) throws -> SymmetricKey? {
        let wrapping = try requireMaster()
        guard let wrapped = try env.read({ txn in try txn.get(env.database("keys"), Array(recipient.utf8)) }) else { return nil }
        do {
            let box = try AES.GCM.SealedBox(combined: Data(wrapped))
            return SymmetricKey(data: try AES.GCM.open(box, using: wrapping, authenticating: Data(recipient.utf8)))
        } catch {
            throw LedgerError(.keyMissing, "the master key does not open this recipient's data key")
        }
    }

    /// Destroys the recipient's data key, then rewrites the key store without the freed pages that held it.
    func destroyKey(for recipient: String) throws {
        try env.write { txn in _ = try txn.delete(env.database("keys"), Array(recipient.utf8)) }
        try compact()
    }

    /// Writes a copy of the store, as of one commit and without its free pages, into `directory` (a backup).
    func copy(to directory: String) throws {
        try env.copyCompacted(to: directory)
    }

    /// Copies the store without its free pages and replaces it, so a destroyed key is nowhere in the file.
    private func compact() throws {
        // Replacing the file under another process's map would lose its writes: only when no one else has it open.
        flock(holders, LOCK_UN)
        defer { flock(holders, LOCK_SH) }
        guard flock(holders, LOCK_EX | LOCK_NB) == 0 else {
            throw LedgerError(.storage, "another process (the server?) has the key store open; erase through its API, or stop it first")
        }
        let fresh = directory + "/keys.compact"
        try? FileManager.default.removeItem(atPath: fresh)
        try FileManager.default.createDirectory(atPath: fresh, withIntermediateDirectories: true)
        try env.copyCompacted(to: fresh)
        let old = directory + "/keys"
        env = try Environment(path: fresh, databases: ["keys", "meta"], mapSize: 16 << 20)  // hold the copy while swapping
        try FileManager.default.removeItem(atPath: old + "/data.mdb")
        try FileManager.default.moveItem(atPath: fresh + "/data.mdb", toPath: old + "/data.mdb")
        env = try Environment(path: old, databases: ["keys", "meta"], mapSize: 16 << 20)
        try? FileManager.default.removeItem(atPath: fresh)
    }

    /// Re-wraps every data key under `newMaster` and records its fingerprint. The caller then replaces the master key file.
    public func rotate(to newMaster: [UInt8]) throws {
        let old = try requireMaster()
        let new = SymmetricKey(data: newMaster)
        try env.write { txn in
            var entries: [([UInt8], [UInt8])] = []
            try txn.forEach(env.database("keys")) { k, v in entries.append((Array(k), Array(v))); return true }
            for (k, v) in entries {
                let key = try AES.GCM.open(try AES.GCM.SealedBox(combined: Data(v)), using: old, authenticating: Data(k))
                try txn.put(env.database("keys"), k, Array(try AES.GCM.seal(key, using: new, authenticating: Data(k)).combined!))
            }
            try txn.put(env.database("meta"), Array("master".utf8), Array(SHA256.hash(data: Array("aidledger-master".utf8) + newMaster)))
        }
        try compact()
    }
}
