/// The lines of a text file's bytes (a mapped file, say) one after another, without copying the file: reading a file
/// of any size line by line needs the memory of one line. Any of "\n", "\r\n" and "\r" ends a line; a leading
/// byte-order mark is skipped; blank lines are left out but counted.
public struct TextLines: Sequence, IteratorProtocol {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var start: Int
    private var number = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The next line that is not blank, with its number (the first line of the file is 1).
    public mutating func next() -> (number: Int, bytes: UnsafeBufferPointer<UInt8>)? {
        while start < bytes.count {
            var end = start
            // Split on bytes, not on Characters, for speed.
            while end < bytes.count && bytes[end] != 0x0A && bytes[end] != 0x0D { end += 1 }
            number += 1
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if end < bytes.count && bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A { end += 1 }
            start = end + 1
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return (number, line) }
        }
        return nil
    }
}
