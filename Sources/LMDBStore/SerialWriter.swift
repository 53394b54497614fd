import Foundation

/// The one thread that owns the environment's write transactions.
///
/// LMDB requires a write transaction to begin and end on the same thread; async callers hand
/// their work to this thread and are resumed when it has committed, so no transaction ever
/// spans an `await`.
public final class SerialWriter: @unchecked Sendable {  // every field is guarded by `condition`
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?
    private var threadID: pthread_t?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the writer thread.
    public init(name: String = "aidledger.writer") {
        // The thread keeps the writer alive until `stop` lets its loop end.
        let thread = Thread { [self] in self.run() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    /// Runs `job` on the writer thread and returns its result to the awaiting caller.
    public func perform<R: Sendable>(_ job: @escaping @Sendable () throws -> R) async throws -> R {
        try await withCheckedThrowingContinuation { continuation in
            enqueue { continuation.resume(with: Result { try job() }) }
        }
    }

    /// Runs `job` on the writer thread and blocks the calling thread until it is done.
    @available(*, noasync, message: "blocks the thread; use perform from async code")
    public func performAndWait<R>(_ job: () throws -> R) throws -> R {
        if let threadID, pthread_equal(threadID, pthread_self()) != 0 { return try job() }
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

    /// Finishes the jobs already queued, ends the thread and waits until it has ended.
    public func stopAndWait() {
        stop()
        if let threadID, pthread_equal(threadID, pthread_self()) != 0 { return }
        finished.wait()
        finished.signal()  // later callers do not wait again
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
        condition.lock()
        threadID = pthread_self()
        condition.unlock()
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
