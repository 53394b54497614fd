import Crypto
import Foundation

/// Seals and opens personal data with AES-GCM, bound to the recipient's id (as authenticated data),
/// so a sealed record cannot be passed off as another recipient's.
enum PersonalSeal {
    static func seal(_ data: PersonalData, recipient: String, key: SymmetricKey) throws -> [UInt8] {
        Array(try AES.GCM.seal(data.encoded(), using: key, authenticating: Data(recipient.utf8)).combined!)
    }

    static func open(_ sealed: [UInt8], recipient: String, key: SymmetricKey) throws -> PersonalData {
        let box = try AES.GCM.SealedBox(combined: Data(sealed))
        return try PersonalData.decode(Array(try AES.GCM.open(box, using: key, authenticating: Data(recipient.utf8))))
    }
}

extension Ledger {
    /// A recipient's personal data, opened with their data key; nil when they have none recorded.
    /// - Throws: `recipient_erased` after an erasure; `key_missing` without the right master key.
    public func personalData(of id: String) throws(LedgerError) -> PersonalData? {
        let (registered, erased) = try read { txn in
            (try self.recipient(txn, id), try txn.get(store.registry, LedgerStore.Kind.erased.key(id)) != nil)
        }
        if erased { throw LedgerError(.recipientErased, "recipient \(id)'s personal data was erased") }
        guard let sealed = registered.personal else { return nil }
        return try opened(sealed, of: id)
    }

    /// Whether the recipient's personal data was erased.
    public func isErased(_ id: String) throws(LedgerError) -> Bool {
        try read { txn in try txn.get(store.registry, LedgerStore.Kind.erased.key(id)) != nil }
    }

    /// Re-wraps every data key under a new master key (then replace the master key file or variable).
    public func rotateMasterKey(to newMaster: [UInt8]) throws(LedgerError) {
        guard newMaster.count == 32 else { throw LedgerError(.invalidField, "a master key is 32 bytes (64 hexadecimal digits)") }
        do { try keys.rotate(to: newMaster) } catch let e as LedgerError { throw e } catch { throw Ledger.storageError(error, lost: "the rotation may not have finished") }
    }
}
