import Crypto
import Foundation
import LMDBStore

/// An API token's holder, as the ledger knows it (never the token itself).
public struct TokenHolder: Sendable, Equatable {
    /// Recorded as the actor of every event made with the token.
    public var name: String
    public var role: Role
    public var createdAt: Int64
    public var revoked: Bool

    public var json: JSONValue {
        .object([("name", .string(name)), ("role", .string(role.rawValue)), ("created_at", .string(EventRecord.formatMicros(createdAt))), ("revoked", .bool(revoked))])
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.string(name)
        w.string(role.rawValue)
        w.int(createdAt)
        w.bool(revoked)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> TokenHolder {
        try ByteReader.reading(bytes) { r in
            let name = try r.string()
            guard let role = Role(rawValue: try r.string()) else { throw DecodeError.invalid("an unknown role", at: 0) }
            return TokenHolder(name: name, role: role, createdAt: try r.int(), revoked: try r.bool())
        }
    }
}

extension Ledger {
    /// Makes a new API token. The token is returned once and only its SHA-256 is stored.
    public func createToken(name: String, role: Role) throws(LedgerError) -> String {
        let name = try Identifier.validate(name, field: "token name")
        var random = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
        let token = "alt_" + secret.hexString
        let hash = Array(SHA256.hash(data: Array(token.utf8)))
        do {
            try writer.performAndWait {
                try env.write { txn in
                    let nameKey = Array("n:\(name)".utf8)
                    if let old = try txn.get(store.tokens, nameKey),
                       let holder = try txn.get(store.tokens, Array("h:".utf8) + old).map(TokenHolder.decode), !holder.revoked {
                        throw LedgerError(.alreadyExists, "a token named \(name) exists; revoke it first or choose another name")
                    }
                    let holder = TokenHolder(name: name, role: role, createdAt: clock(), revoked: false)
                    try txn.put(store.tokens, Array("h:".utf8) + hash, holder.encoded())
                    try txn.put(store.tokens, nameKey, hash)
                }
            }
        } catch {
            throw Ledger.storageError(error, lost: "the token was not saved")
        }
        return token
    }

    /// The holder of `token`, when it is known and not revoked.
    public func authenticate(_ token: String) throws(LedgerError) -> TokenHolder? {
        let hash = Array(SHA256.hash(data: Array(token.utf8)))
        return try read { txn in
            guard let holder = try txn.get(store.tokens, Array("h:".utf8) + hash).map(TokenHolder.decode), !holder.revoked else { return nil }
            return holder
        }
    }

    /// Every token ever made, revoked ones included.
    public func tokens() throws(LedgerError) -> [TokenHolder] {
        try read { txn in
            var out: [TokenHolder] = []
            try txn.forEach(store.tokens, prefix: Array("h:".utf8)) { _, v in
                out.append(try TokenHolder.decode(Array(v)))
                return true
            }
            return out.sorted { $0.createdAt < $1.createdAt }
        }
    }

    /// Revokes the token named `name`. - Returns: whether there was one to revoke.
    @discardableResult
    public func revokeToken(name: String) throws(LedgerError) -> Bool {
        do {
            return try writer.performAndWait {
                try env.write { txn in
                    guard let hash = try txn.get(store.tokens, Array("n:\(name)".utf8)),
                          var holder = try txn.get(store.tokens, Array("h:".utf8) + hash).map(TokenHolder.decode), !holder.revoked else { return false }
                    holder.revoked = true
                    try txn.put(store.tokens, Array("h:".utf8) + hash, holder.encoded())
                    return true
                }
            }
        } catch {
            throw Ledger.storageError(error, lost: "the token was not revoked")
        }
    }
}
