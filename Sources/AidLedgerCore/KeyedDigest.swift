import COpenSSL

/// HMAC-SHA256 (RFC 2104) under one key, with the key's two padded blocks hashed once, when the key is loaded.
///
/// Every command's fields are digested under the ledger's secret so a retry is recognised; keying a fresh HMAC for
/// each command cost more than hashing the command itself. The result is the standard HMAC-SHA256 (a test compares
/// it with swift-crypto's).
struct KeyedDigest: @unchecked Sendable {  // two plain C structs, copied before every use, never changed after init
    private var inner = SHA256_CTX()
    private var outer = SHA256_CTX()

    init(key: [UInt8]) {
        var block = [UInt8](repeating: 0, count: 64)
        if key.count > 64 {
            let hashed = KeyedDigest.sha256(key)
            block.replaceSubrange(0..<32, with: hashed)
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        SHA256_Init(&inner)
        SHA256_Init(&outer)
        _ = SHA256_Update(&inner, block.map { $0 ^ 0x36 }, 64)
        _ = SHA256_Update(&outer, block.map { $0 ^ 0x5c }, 64)
    }

    /// HMAC-SHA256 of `message`.
    func digest(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var context = inner
        _ = SHA256_Update(&context, message.baseAddress, message.count)
        var innerHash = [UInt8](repeating: 0, count: 32)
        _ = SHA256_Final(&innerHash, &context)
        context = outer
        _ = SHA256_Update(&context, innerHash, 32)
        var out = [UInt8](repeating: 0, count: 32)
        _ = SHA256_Final(&out, &context)
        return out
    }

    func digest(_ message: [UInt8]) -> [UInt8] { message.withUnsafeBytes { digest($0) } }

    /// SHA-256 of `parts` in order.
    static func sha256(_ parts: [UInt8]...) -> [UInt8] {
        var context = SHA256_CTX()
        SHA256_Init(&context)
        for p in parts { _ = SHA256_Update(&context, p, p.count) }
        var out = [UInt8](repeating: 0, count: 32)
        _ = SHA256_Final(&out, &context)
        return out
    }
}
