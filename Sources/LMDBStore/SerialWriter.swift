import Foundation

/// The one thread that owns the environment's write transactions.
///
/// LMDB requires a write transaction to begin and end on the same thread; async callers hand
/// their work to this thread and are resumed when it has committed, so no transaction ever
/// spans an `await`.
///
/// The thread is a joinable POSIX thread: `stopAndWait` returns only once it has ended entirely (its thread-local
/// state released), so a process that closes its ledger and exits never has the writer thread tearing down while the
/// process's exit handlers run.
public final class SerialWriter: @unchecked Sendable {  // every field is guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var threadID: pthread_t?
    /// Whether some caller has joined the thread, or it was detached: it is joined once.
    private var joined = false
    private let finished = DispatchSemaphore(value: 0)
    private let name: String

    /// Starts the writer thread.
    public init(name: String = "aidledger.writer") {
        self.name = name
        // The thread holds the writer until `stop` lets its loop end.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, { context in
            let writer = Unmanaged<SerialWriter>.fromOpaque(context!).takeRetainedValue()
            writer.run()
            return nil
        }, context)
        precondition(started == 0, "the writer thread could not be started (error \(started))")
        condition.lock()
        threadID = thread
        condition.unlock()
    }

    /// A writer nobody joined lets its ended thread's resources go.
    deinit {
        if !joined, let threadID { pthread_detach(threadID) }
    }

    /// Runs `job` on the writer thread and returns its result to the awaiting caller.
    public func perform<R: Sendable>(_ job: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try job() }) }
        }
    }

    /// Whether the caller is on the writer thread.
    private var onWriterThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    /// Runs `job` on the writer thread and blocks the calling thread until it is done.
    @available(*, noasync, message: "blocks the thread; use perform from async code")
    public func performAndWait<R>(_ job: () throws -> R) throws -> R {
        if onWriterThread { return try job() }
        return try withoutActuallyEscaping(job) { job in
            let box = UnsafeJob(job)
            let done = DispatchSemaphore(value: 0)
            enqueue {
                box.run()
                done.signal()
            }
            done.wait()
            return try box.result!.get()
        }
    }

    /// Queues `job` for the writer thread without waiting for it.
    public func execute(_ job: @escaping @Sendable () -> Void) {
        enqueue(job)
    }

    /// Finishes the jobs already queued, ends the thread and waits until it has ended. Called on the writer thread
    /// itself (a last job that closes the ledger), it lets the thread end on its own once that job returns.
    public func stopAndWait() {
        stop()
        condition.lock()
        let thread = threadID
        let join = !joined
        joined = true
        condition.unlock()
        guard let thread else { return }
        if pthread_equal(thread, pthread_self()) != 0 {
            if join { pthread_detach(thread) }
            return
        }
        if join {
            pthread_join(thread, nil)
        } else {
            finished.wait()  // another caller joins it; its loop has ended once this returns
            finished.signal()
        }
    }

    /// Finishes the jobs already queued, then ends the thread.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        precondition(!stopping, "the writer has been stopped")  // callers stop writing before closing the ledger
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func run() {
        Thread.current.name = name  // as profilers and debuggers show it
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                finished.signal()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}

/// A job and its result, handed to the writer thread while the caller blocks on a semaphore.
private final class UnsafeJob<R>: @unchecked Sendable {  // accessed by the caller only after the writer signalled
    private var job: (() throws -> R)?
    var result: Result<R, any Error>?
    init(_ job: @escaping () throws -> R) { self.job = job }
    func run() {
        result = Result { try job!() }
        job = nil  // the caller's closure must not outlive its call (withoutActuallyEscaping checks)
    }
}
