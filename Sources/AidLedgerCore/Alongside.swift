import Foundation

/// Work run on another core while the caller does its own: `value()` waits for its result. The caller waits on every
/// path (a throwing one too) before it changes or frees anything the work reads.
final class Alongside<T>: @unchecked Sendable {  // `result` is written by the work's thread before `done` is signalled
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)
    /// Whether the caller has seen the work end (only the caller's thread reads or sets it).
    private var waited = false

    init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global().async { [self] in
            result = Result { try work() }
            done.signal()
        }
    }

    /// The work's result, or what it threw, once it has ended.
    func value() throws -> T {
        if !waited {
            done.wait()
            waited = true
        }
        return try result!.get()
    }
}
