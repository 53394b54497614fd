/// What the ledger keeps of a command under its id, so a retry returns the first outcome: a digest of what the
/// command said, and the positions of the events it appended.
struct CommandEntry: Equatable {
    /// The first 16 bytes of the command's keyed digest: enough to tell a retry from a reuse of the id.
    var digest: [UInt8]
    var first: UInt64
    var count: UInt64

    static let digestSize = 16
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
        var w = ByteWriter(capacity: 32)
        w.raw(digest)
        w.u64(first)
        w.varint(count)
        return w.bytes
    }

    /// Reads an entry; entries written before the digest was shortened (32 + 8 + 8 bytes) still read.
    init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        if bytes.count == 48 {
            self.init(digest: try r.raw(32), first: try r.u64(), count: try r.u64())
        } else {
            self.init(digest: try r.raw(CommandEntry.digestSize), first: try r.u64(), count: try r.varint())
        }
    }
}
