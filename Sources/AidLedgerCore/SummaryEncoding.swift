import Foundation

/// Recipients' summaries encoded on another core while a replay's writing thread encodes and writes the others: at
/// the end of a chunk the reading thread has stopped, and encoding the chunk's summaries was the larger part of what
/// the rebuild then waited for on one core.
///
/// The summaries are only read, on both threads, each by one of them; the caller changes or frees none of them before
/// `finish` has returned (on every path, a throwing one too).
final class SummaryEncoding: @unchecked Sendable {  // written by its thread until `done` is signalled, then only read
    private let summaries: ReplaySummaries
    private let slots: [Int]
    private var writer = ByteWriter(capacity: 1 << 16)
    /// Where each summary's bytes start and end in `writer`; an end of nil for a summary left empty (its entry is
    /// removed).
    private var starts: [Int] = []
    private var ends: [Int?] = []
    /// Whether the caller has seen the encoding finish.
    private var finished = false
    private let done = DispatchSemaphore(value: 0)

    /// Starts encoding the summaries in `slots` of `summaries` (their names ranked), in that order, on another thread.
    init(_ summaries: ReplaySummaries, _ slots: [Int]) {
        (self.summaries, self.slots) = (summaries, slots)
        starts.reserveCapacity(slots.count)
        ends.reserveCapacity(slots.count)
        DispatchQueue.global().async { [self] in
            let encoder = SummaryEncoder(self.summaries.names)
            for slot in self.slots {
                starts.append(writer.count)
                ends.append(encoder.encode(self.summaries.summary(slot), into: &writer) ? writer.count : nil)
            }
            done.signal()
        }
    }

    /// Waits until every summary is encoded.
    func finish() {
        guard !finished else { return }
        done.wait()
        finished = true
    }

    /// The bytes of the `k`th summary (nil: left empty), once every summary is encoded (the first call waits for
    /// that). They lie in memory the encoding owns and no longer changes, until it is freed.
    func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
        finish()
        guard let end = ends[k] else { return nil }
        let start = starts[k]
        return writer.withBytes { UnsafeRawBufferPointer(rebasing: $0[start..<end]) }
    }
}
