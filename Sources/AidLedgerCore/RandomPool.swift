import Glibc
import Synchronization

/// Random bytes from the kernel (`/dev/urandom`, opened once), fetched 4 KiB at a time.
///
/// Every event id carries ten random bytes; the standard library's generator asked the kernel for them twice per
/// id, a system call each on the writer thread (7% of a batch's time); here it is one call per 400 ids or so.
/// Not libcrypto's generator: it keeps state per thread, freed as the thread ends, while OpenSSL's exit handler frees
/// its state too; a command-line process, whose writer thread ends as the process exits, once aborted there with
/// "free(): invalid pointer" (most likely that race; it could not be made to happen again on purpose).
final class RandomPool: Sendable {
    static let shared = RandomPool()

    private struct State {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 4096
        var device: Int32 = -1
    }

    private let state = Mutex(State())

    /// Copies `count` random bytes (at most 256) into `out` from `offset`.
    func fill(_ out: inout [UInt8], from offset: Int, count: Int) {
        precondition(count <= 256)
        state.withLock { s in
            if s.used + count > s.bytes.count {
                if s.device < 0 { s.device = open("/dev/urandom", O_RDONLY | O_CLOEXEC) }
                let device = s.device
                precondition(device >= 0, "cannot open /dev/urandom (errno \(errno))")
                s.bytes.withUnsafeMutableBytes { buffer in
                    var filled = 0
                    while filled < buffer.count {
                        let n = read(device, buffer.baseAddress! + filled, buffer.count - filled)
                        if n < 0 && errno == EINTR { continue }
                        precondition(n > 0, "cannot read /dev/urandom (errno \(errno))")
                        filled += n
                    }
                }
                s.used = 0
            }
            for i in 0..<count { out[offset + i] = s.bytes[s.used + i] }
            s.used += count
        }
    }
}
