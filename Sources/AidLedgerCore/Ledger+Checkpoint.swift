import Crypto
import Foundation
import LMDBStore

extension Ledger {
    /// The file beside the data where checkpoints are also written, one JSON object per line.
    public var checkpointFile: String { directory + "/checkpoints.jsonl" }
    /// The public keys whose checkpoints `verify` trusts, one hex key per line.
    public var trustedKeysFile: String { directory + "/signing.pub" }

    /// Signs the current head with the key at `keyPath` (created when missing) and records the checkpoint.
    @available(*, noasync)
    public func checkpoint(keyPath: String) throws(LedgerError) -> Checkpoint {
        let key = try SigningKey.load(path: keyPath, create: true)
        let publicHex = Array(key.publicKey.rawRepresentation).hexString
        let trusted = (try? String(contentsOfFile: trustedKeysFile, encoding: .utf8)) ?? ""
        if !trusted.split(separator: "\n").contains(Substring(publicHex)) {
            append(publicHex + "\n", to: trustedKeysFile)
        }
        do {
            let checkpoint = try writer.performAndWait {
                try env.write { txn in
                    let head = try store.head(txn)
                    guard head.position > 0 else { throw LedgerError(.invalidField, "the ledger is empty: there is nothing to sign yet") }
                    let c = try Checkpoint.sign(position: head.position, hash: head.hash, signedAt: max(clock(), head.recordedAt), key: key)
                    try txn.put(store.checkpoints, LedgerStore.be64(c.position), Array(c.json.serialized.utf8))
                    return c
                }
            }
            append(checkpoint.json.serialized + "\n", to: checkpointFile)
            return checkpoint
        } catch {
            throw Ledger.storageError(error, lost: "the checkpoint was not saved")
        }
    }

    /// Every checkpoint the ledger and its file hold, and those in `extraFile`, once each, by position.
    public func checkpoints(extraFile: String? = nil) throws(LedgerError) -> [Checkpoint] {
        var all: [Checkpoint] = try read { txn in
            var out: [Checkpoint] = []
            try txn.forEach(store.checkpoints) { _, v in
                out.append(try Checkpoint(json: String(decoding: v, as: UTF8.self)))
                return true
            }
            return out
        }
        for file in [checkpointFile, extraFile].compactMap({ $0 }) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
            for line in text.split(whereSeparator: \.isNewline) where !line.isEmpty {
                all.append(try Checkpoint(json: String(line)))
            }
        }
        var seen = Set<[UInt8]>()
        return all.filter { seen.insert($0.signature).inserted }.sorted { $0.position < $1.position }
    }

    /// Checks each checkpoint: a valid signature by a trusted key, over the hash the chain has at its position.
    /// - Returns: the first problem, with the position it concerns, or nil.
    func check(_ checkpoints: [Checkpoint], trusted: Set<[UInt8]>) throws(LedgerError) -> (UInt64, String)? {
        try read { txn in
            for c in checkpoints {
                guard c.signatureIsValid else { return (c.position, "the checkpoint at #\(c.position) has a signature that does not match it") }
                guard trusted.contains(c.publicKey) else {
                    return (c.position, "the checkpoint at #\(c.position) is signed by a key that is not trusted (\(c.publicKey.hexString.prefix(16))…)")
                }
                guard let stored = try txn.get(store.log, LedgerStore.be64(c.position)) else {
                    return (c.position, "the log ends before the checkpoint at #\(c.position): records signed for were removed")
                }
                guard Array(stored.suffix(EventRecord.hashSize)) == c.hash else {
                    return (c.position, "the history up to #\(c.position) differs from what was signed on \(EventRecord.formatMicros(c.signedAt)): it was rewritten")
                }
            }
            return nil
        }
    }

    /// The trusted public keys: those in `signing.pub`, and `extra`.
    public func trustedKeys(extra: [String] = []) -> Set<[UInt8]> {
        let text = (try? String(contentsOfFile: trustedKeysFile, encoding: .utf8)) ?? ""
        return Set((text.split(whereSeparator: \.isNewline).map(String.init) + extra).compactMap { $0.trimmingCharacters(in: .whitespaces).hexBytes })
    }

    /// Recomputes the chain and checks every checkpoint against it.
    public func verify(checkpointFile extra: String?, trustedKeys extraKeys: [String] = []) throws(LedgerError) -> VerifyReport {
        var report = try verify()
        let all = try checkpoints(extraFile: extra)
        report.checkpoints = all.count
        if let (position, problem) = try check(all, trusted: trustedKeys(extra: extraKeys)) {
            if report.firstBadPosition == nil || position < report.firstBadPosition! {
                report.firstBadPosition = position
                report.problem = problem
            }
        }
        return report
    }

    private func append(_ text: String, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: path) else { return }
        h.seekToEndOfFile()
        h.write(Data(text.utf8))
        try? h.close()
    }
}
