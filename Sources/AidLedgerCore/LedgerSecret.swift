import Crypto
import Foundation

/// The ledger's HMAC key: it turns identity document numbers into keyed hashes for deduplication.
///
/// It lives in its own file beside the event log, never inside it, so a copy of the log alone
/// cannot be used to test guesses of document numbers. Back it up separately from the data.
public struct LedgerSecret: @unchecked Sendable {  // SymmetricKey is an immutable value; it is never mutated after load
    private let key: SymmetricKey
    /// The same key with its padded blocks hashed once (every command is digested under it).
    private let keyed: KeyedDigest

    private init(key: SymmetricKey) {
        self.key = key
        keyed = KeyedDigest(key: key.withUnsafeBytes { Array($0) })
    }

    /// The file name inside the data directory.
    public static let fileName = "ledger.secret"

    /// Reads the secret, creating a new random one (mode 0600) when `create` is set and none exists.
    /// - Throws: `key_missing` when there is none and it may not be created.
    public static func load(directory: String, create: Bool) throws(LedgerError) -> LedgerSecret {
        let path = directory + "/" + fileName
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard hex.count == 64, let bytes = hex.hexBytes else {
                throw LedgerError(.keyMissing, "the ledger secret in \(path) is damaged: it must be 64 hexadecimal digits")
            }
            return LedgerSecret(key: SymmetricKey(data: bytes))
        }
        guard create else {
            throw LedgerError(.keyMissing, "the ledger secret \(path) is missing; restore it from its backup (document checks need it)")
        }
        let key = SymmetricKey(size: .bits256)
        let hex = key.withUnsafeBytes { Array($0) }.hexString + "\n"
        guard FileManager.default.createFile(atPath: path, contents: Data(hex.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError(.storage, "cannot write the ledger secret to \(path)")
        }
        return LedgerSecret(key: key)
    }

    /// HMAC-SHA256 of a document's type and normalised number.
    public func documentHash(_ type: DocumentType, _ number: String) -> [UInt8] {
        keyed.digest(Array((type.rawValue + ":" + DocumentNumber.normalise(number)).utf8))
    }

    /// HMAC-SHA256 of a command's fields: recognises a retry without storing what was typed.
    func digest(_ bytes: [UInt8]) -> [UInt8] { keyed.digest(bytes) }
}

extension String {
    /// The bytes these hexadecimal digits spell, or nil when they are not an even run of hex digits.
    public var hexBytes: [UInt8]? {
        var out: [UInt8] = []
        var it = utf8.makeIterator()
        while let hi = it.next() {
            guard let lo = it.next(), let h = hexValue(hi), let l = hexValue(lo) else { return nil }
            out.append(h << 4 | l)
        }
        return out
    }
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: c - 0x30
    case 0x61...0x66: c - 0x61 + 10
    case 0x41...0x46: c - 0x41 + 10
    default: nil
    }
}
