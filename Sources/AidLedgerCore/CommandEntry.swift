/// What the ledger keeps of a command under its id, so a retry returns the first outcome: a digest of what the
/// command said, and the positions of the events it appended.
struct CommandEntry {
    /// The first 8 bytes of the command's keyed digest: enough to tell a retry from a reuse of the id
    /// (another command under the same id matches by chance once in 2^64).
    var digest: [UInt8]
    var first: UInt64
    var count: UInt64

    static let digestSize = 8
    /// The digest kept for commands whose input is not known (restored from an export).
    static let unknownDigest = [UInt8](repeating: 0, count: digestSize)

    init(digest: [UInt8], first: UInt64, count: UInt64) {
        self.digest = Array(digest.prefix(CommandEntry.digestSize))
        self.first = first
        self.count = count
    }

    /// Whether `digest` (a full keyed digest) is this command's, or this command's input is unknown.
    func matches(_ digest: [UInt8]) -> Bool {
        self.digest == CommandEntry.unknownDigest || self.digest.elementsEqual(digest.prefix(CommandEntry.digestSize))
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 20)
        w.raw(digest)
        w.varint(first)
        w.varint(count)
        return w.bytes
    }

    init(decoding bytes: [UInt8]) throws {
        self = try ByteReader.reading(bytes) { r in
            CommandEntry(digest: try r.raw(CommandEntry.digestSize), first: try r.varint(), count: try r.varint())
        }
    }

    /// An entry of the older `commands` database, keyed by the id itself: a 32-byte digest and two 8-byte numbers,
    /// or a 16-byte digest, an 8-byte position and a varint count.
    init(decodingLegacy bytes: [UInt8]) throws {
        self = try ByteReader.reading(bytes) { r in
            let digest = try r.raw(bytes.count == 48 ? 32 : 16)
            let known = digest.allSatisfy { $0 == 0 } ? CommandEntry.unknownDigest : digest
            return CommandEntry(digest: known, first: try r.u64(), count: bytes.count == 48 ? try r.u64() : try r.varint())
        }
    }
}
