import Foundation
import LMDBStore

/// A backup written and checked (`Ledger.backup`).
public struct BackupReport: Sendable {
    public var directory: String
    /// The copy's chain, verified in the copy: its records and its head.
    public var verified: VerifyReport
    /// Where the recipients' data keys went, when asked for.
    public var keysDirectory: String?
    /// Whether the master key went with them (a key given in `$AIDLEDGER_MASTER_KEY` or a file of the operator's own
    /// is theirs to keep).
    public var masterKeyCopied = false

    public var json: JSONValue {
        .object([
            ("directory", .string(directory)), ("records", .int(verified.count)), ("head_hash", .string(verified.headHash)),
            ("checkpoints", .int(verified.checkpoints)), ("keys_directory", .optional(keysDirectory)), ("master_key_copied", .bool(masterKeyCopied)),
        ])
    }
}

extension Ledger {
    /// The small files a backup carries beside the log: the documents' secret (without which the copy does not
    /// open), the signed checkpoints' file and the keys they are trusted under.
    static let backedUpFiles = [LedgerSecret.fileName, "checkpoints.jsonl", "signing.pub"]

    /// Writes a consistent copy of the ledger into `directory` (new or empty) while it goes on recording: the log and
    /// its projections as of one commit (LMDB's own copy, in a read transaction, without free pages), the documents'
    /// secret and the checkpoints. The copy is then opened and its chain verified. The recipients' data keys (and the
    /// master key, when it is the file in the data directory) go to `keysDirectory` only when asked for: kept apart
    /// from the data, neither backup alone can open anyone's personal data (docs/PRIVACY.md).
    public func backup(to directory: String, keysTo keysDirectory: String? = nil) throws(LedgerError) -> BackupReport {
        let target = URL(fileURLWithPath: directory).standardizedFileURL.path
        let keysTarget = keysDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let here = URL(fileURLWithPath: self.directory).standardizedFileURL.path
        for d in [target] + (keysTarget.map { [$0] } ?? []) {
            guard d != here && !d.hasPrefix(here + "/") else { throw LedgerError(.invalidField, "a backup goes outside the data directory, not into \(d)") }
            try Ledger.requireEmpty(d)
        }
        if keysTarget == target { throw LedgerError(.invalidField, "the keys go to a directory of their own, apart from the data's backup") }
        var report: BackupReport
        do {
            try FileManager.default.createDirectory(atPath: target + "/" + Ledger.eventsDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try env.copyCompacted(to: target + "/" + Ledger.eventsDirectory)
            try Ledger.copySmallFiles(from: self.directory, to: target)
            let (copy, verified) = try Ledger.openVerified(target)
            copy.close()
            // Opening made an empty key store: the keys are not in this backup.
            try? FileManager.default.removeItem(atPath: target + "/keys")
            report = BackupReport(directory: target, verified: verified)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError(.storage, "cannot write the backup to \(target): \(error)")
        }
        guard let keysTarget else { return report }
        do {
            try FileManager.default.createDirectory(atPath: keysTarget + "/keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try keys.copy(to: keysTarget + "/keys")
            let environment = ProcessInfo.processInfo.environment
            let master = self.directory + "/" + KeyStore.masterKeyFile
            if environment["AIDLEDGER_MASTER_KEY"] == nil && environment["AIDLEDGER_MASTER_KEY_FILE"] == nil && FileManager.default.fileExists(atPath: master) {
                try FileManager.default.copyItem(atPath: master, toPath: keysTarget + "/" + KeyStore.masterKeyFile)
                report.masterKeyCopied = true
            }
            report.keysDirectory = keysTarget
        } catch {
            throw LedgerError(.storage, "cannot write the keys' backup to \(keysTarget): \(error)")
        }
        return report
    }

    /// Makes a new data directory from a backup (`backup --to`) and, when given, the keys' backup beside it
    /// (`--keys-to`): the copies are put in place, the ledger opened and its chain verified; with the keys, the master
    /// key must fit the key store (a key from another ledger is refused). Nothing is written over.
    public static func restore(from backup: String, keysFrom keys: String? = nil, to directory: String) throws(LedgerError) -> BackupReport {
        let fm = FileManager.default
        guard Ledger.exists(at: backup) else { throw LedgerError(.noLedger, "\(backup) holds no backup of a ledger (no \(eventsDirectory)/data.mdb)") }
        if let keys, !fm.fileExists(atPath: keys + "/keys/data.mdb") {
            throw LedgerError(.noLedger, "\(keys) holds no backup of the data keys (no keys/data.mdb)")
        }
        try requireEmpty(directory)
        var report: BackupReport
        do {
            try fm.createDirectory(atPath: directory + "/" + eventsDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try fm.copyItem(atPath: backup + "/" + eventsDirectory + "/data.mdb", toPath: directory + "/" + eventsDirectory + "/data.mdb")
            try copySmallFiles(from: backup, to: directory)
            if let keys {
                try fm.createDirectory(atPath: directory + "/keys", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try fm.copyItem(atPath: keys + "/keys/data.mdb", toPath: directory + "/keys/data.mdb")
                if fm.fileExists(atPath: keys + "/" + KeyStore.masterKeyFile) {
                    try fm.copyItem(atPath: keys + "/" + KeyStore.masterKeyFile, toPath: directory + "/" + KeyStore.masterKeyFile)
                }
            }
            let (restored, verified) = try openVerified(directory)
            defer { restored.close() }
            if keys != nil {
                if let problem = restored.keys.masterProblem {
                    throw LedgerError(.keyMissing, "the ledger is restored in \(directory), but its personal data cannot be opened: \(problem)")
                }
                let missing = try restored.recipientsWithoutDataKey()
                guard missing.isEmpty else {
                    throw LedgerError(
                        .keyMissing,
                        "the ledger is restored in \(directory), but the keys' backup holds no data key for \(missing.count) recipient(s) with personal data "
                            + "(\(missing.prefix(3).joined(separator: ", "))): it is another ledger's, or older than their registration")
                }
            }
            report = BackupReport(directory: directory, verified: verified, keysDirectory: keys)
            report.masterKeyCopied = fm.fileExists(atPath: directory + "/" + KeyStore.masterKeyFile)
        } catch let e as LedgerError {
            throw e
        } catch {
            throw LedgerError(.storage, "cannot restore into \(directory): \(error)")
        }
        return report
    }

    /// Copies the `backedUpFiles` that `source` holds into `target`.
    private static func copySmallFiles(from source: String, to target: String) throws {
        for file in backedUpFiles where FileManager.default.fileExists(atPath: source + "/" + file) {
            try FileManager.default.copyItem(atPath: source + "/" + file, toPath: target + "/" + file)
        }
    }

    /// Opens the ledger copied into `directory` and verifies its chain and checkpoints. - Throws: `corrupt_record`
    /// naming the first bad position when it does not verify.
    private static func openVerified(_ directory: String) throws -> (Ledger, VerifyReport) {
        let ledger = try Ledger(directory: directory)
        let verified = try ledger.verify(checkpointFile: nil)
        guard verified.isIntact else {
            ledger.close()
            throw LedgerError(.corruptRecord, "the copy in \(directory) does not verify at #\(verified.firstBadPosition ?? 0): \(verified.problem ?? "")")
        }
        return (ledger, verified)
    }

    /// Recipients whose sealed personal data no data key in the key store opens (erased ones aside).
    private func recipientsWithoutDataKey() throws -> [String] {
        var sealed: [String] = []
        try read { txn in
            try txn.forEach(store.registry, prefix: [LedgerStore.Kind.recipient.letter]) { _, v in
                let p = try LedgerStore.registration(Array(v), as: RecipientRegistered.self)
                if p.personal != nil, try txn.get(store.registry, LedgerStore.Kind.erased.key(p.recipient)) == nil { sealed.append(p.recipient) }
                return true
            }
        }
        return try sealed.filter { try keys.dataKey(for: $0) == nil }
    }

    /// Refuses a directory that holds anything: a backup never mixes with, or overwrites, another.
    private static func requireEmpty(_ path: String) throws(LedgerError) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        guard entries.isEmpty else { throw LedgerError(.alreadyExists, "\(path) is not empty; a backup goes into a new or empty directory") }
    }
}
