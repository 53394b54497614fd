import Foundation

/// Recipients' summaries encoded on another core while a replay's writing thread writes its chunk's other entries
/// and then encodes and writes the summaries itself: at the end of a chunk the reading thread has stopped, and
/// encoding the chunk's summaries was the larger part of what the rebuild then waited for on one core.
///
/// The two meet wherever they meet: the other core takes the summaries from the last one down, the writing thread from
/// the first one up (`claim`), each claiming one at a time under a lock, so neither waits for a share fixed in advance
/// (a share fixed by an estimate of how long each part takes left the writing thread waiting whenever the estimate was
/// off). The summaries are only read, on both threads; the caller changes or frees none of them before `finish` has
/// returned (on every path, a throwing one too).
final class SummaryEncoding: @unchecked Sendable {  // `low` and `high` are under `lock`; the rest written by its thread until `done` is signalled
    private let summaries: ReplaySummaries
    private let slots: [Int]
    private var writer = ByteWriter(capacity: 1 << 16)
    /// Where each summary's bytes start and end in `writer`, for those this thread encoded; an end of -1 for a summary
    /// left empty (its entry is removed).
    private var starts: [Int]
    private var ends: [Int]
    private let lock = NSLock()
    /// The summaries below `low` are the writing thread's, those from `high` on this thread's.
    private var low = 0
    private var high: Int
    /// Whether the caller has seen the encoding finish.
    private var finished = false
    private let done = DispatchSemaphore(value: 0)

    /// Starts encoding the summaries in `slots` of `summaries` (their names ranked) on another thread, the last first.
    init(_ summaries: ReplaySummaries, _ slots: [Int]) {
        (self.summaries, self.slots, high) = (summaries, slots, slots.count)
        starts = [Int](repeating: 0, count: slots.count)
        ends = [Int](repeating: -1, count: slots.count)
        DispatchQueue.global().async { [self] in
            let encoder = SummaryEncoder(self.summaries.names)
            while let k = lock.withLock({ () -> Int? in
                guard high > low else { return nil }
                high -= 1
                return high
            }) {
                starts[k] = writer.count
                if encoder.encode(self.summaries.summary(self.slots[k]), into: &writer) { ends[k] = writer.count }
            }
            done.signal()
        }
    }

    /// Claims the `k`th summary for the writing thread, which claims them in order from the first. - Returns: false
    /// when this thread has it (`bytes(_:)`).
    func claim(_ k: Int) -> Bool {
        lock.withLock {
            guard k < high else { return false }
            low = k + 1
            return true
        }
    }

    /// Waits until every summary this thread claimed is encoded.
    func finish() {
        guard !finished else { return }
        done.wait()
        finished = true
    }

    /// The bytes of the `k`th summary, one this thread claimed (nil: left empty), once it has encoded all it claimed
    /// (the first call waits for that). They lie in memory the encoding owns and no longer changes, until it is freed.
    func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
        finish()
        guard ends[k] >= 0 else { return nil }
        let (start, end) = (starts[k], ends[k])
        return writer.withBytes { UnsafeRawBufferPointer(rebasing: $0[start..<end]) }
    }
}
