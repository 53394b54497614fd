import COpenSSL
import Synchronization

/// Random bytes from libcrypto's generator (seeded by the kernel), fetched 4 KiB at a time.
///
/// Every event id carries ten random bytes; the standard library's generator asked the kernel for them twice per
/// id, a system call each on the writer thread (7% of a batch's time).
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct State {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 4096
    }

    private let state = Mutex(State())

    /// Copies `count` random bytes (at most 256) into `out` from `offset`.
    func fill(_ out: inout [UInt8], from offset: Int, count: Int) {
        precondition(count <= 256)
        state.withLock { s in
            if s.used + count > s.bytes.count {
                let filled = s.bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32($0.count)) }
                precondition(filled == 1, "libcrypto's random generator failed")
                s.used = 0
            }
            for i in 0..<count { out[offset + i] = s.bytes[s.used + i] }
            s.used += count
        }
    }
}
