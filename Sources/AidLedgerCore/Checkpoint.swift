import Crypto
import Foundation

/// A signed statement "the ledger's record #position has hash H", made with the organisation's Ed25519 key.
///
/// Kept in the ledger and in `checkpoints.jsonl` beside it (copy that file off the machine): a history
/// rewritten and re-hashed after a checkpoint no longer has the signed hash at its position.
public struct Checkpoint: Sendable, Equatable {
    public var position: UInt64
    public var hash: [UInt8]
    /// When it was signed, microseconds since 1970 UTC.
    public var signedAt: Int64
    public var publicKey: [UInt8]
    public var signature: [UInt8]

    /// The bytes signed: a label, the position and the hash.
    static func message(position: UInt64, hash: [UInt8], signedAt: Int64) -> [UInt8] {
        Array("aidledger-checkpoint-v1".utf8) + LedgerStore.be64(position) + hash + LedgerStore.be64(UInt64(bitPattern: signedAt))
    }

    public static func sign(position: UInt64, hash: [UInt8], signedAt: Int64, key: Curve25519.Signing.PrivateKey) throws -> Checkpoint {
        let signature = try key.signature(for: message(position: position, hash: hash, signedAt: signedAt))
        return Checkpoint(position: position, hash: hash, signedAt: signedAt, publicKey: Array(key.publicKey.rawRepresentation), signature: Array(signature))
    }

    /// Whether the signature is the key's over this position and hash.
    public var signatureIsValid: Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: Checkpoint.message(position: position, hash: hash, signedAt: signedAt))
    }

    public var json: JSONValue {
        .object([
            ("position", .int(position)), ("hash", .string(hash.hexString)), ("signed_at_us", .int(signedAt)),
            ("public_key", .string(publicKey.hexString)), ("signature", .string(signature.hexString)),
        ])
    }

    public init(position: UInt64, hash: [UInt8], signedAt: Int64, publicKey: [UInt8], signature: [UInt8]) {
        self.position = position
        self.hash = hash
        self.signedAt = signedAt
        self.publicKey = publicKey
        self.signature = signature
    }

    /// Reads a line of `checkpoints.jsonl`.
    public init(json line: String) throws(LedgerError) {
        guard let v = try? JSONValue.parse(line),
              case .number(let p)? = v["position"], let position = UInt64(p),
              case .number(let t)? = v["signed_at_us"], let signedAt = Int64(t),
              let hash = v["hash"]?.stringValue?.hexBytes, let key = v["public_key"]?.stringValue?.hexBytes,
              let signature = v["signature"]?.stringValue?.hexBytes
        else { throw LedgerError(.invalidField, "a checkpoint line cannot be read: \(Identifier.printable(line))") }
        self.init(position: position, hash: hash, signedAt: signedAt, publicKey: key, signature: signature)
    }
}

/// The organisation's checkpoint signing key: an Ed25519 private key in a file of its own.
public enum SigningKey {
    /// Reads the key at `path`, creating one (mode 0600) when `create` is set and none exists.
    public static func load(path: String, create: Bool) throws(LedgerError) -> Curve25519.Signing.PrivateKey {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            guard let bytes = text.trimmingCharacters(in: .whitespacesAndNewlines).hexBytes,
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes) else {
                throw LedgerError(.keyMissing, "the signing key in \(path) is damaged")
            }
            return key
        }
        guard create else { throw LedgerError(.keyMissing, "there is no signing key at \(path)") }
        let key = Curve25519.Signing.PrivateKey()
        guard FileManager.default.createFile(atPath: path, contents: Data((Array(key.rawRepresentation).hexString + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LedgerError(.storage, "cannot write the signing key to \(path)")
        }
        return key
    }
}
