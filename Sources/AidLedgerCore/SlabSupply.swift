import Foundation
import Glibc

/// Slabs (`Slab`) mapped and written to ahead of a replay's need, by a thread of its own at the scheduler's idle
/// priority: the kernel's work of bringing in a slab's memory (its faults, its clearing) is done when a core would
/// otherwise wait, not by the replaying thread as it first writes a summary's lines there. A slab a replay's chunk
/// lets go of comes back here, its memory in already, for the next chunk.
///
/// One slab more is held ready than have been taken, up to `ahead`: a small replay's supply brings in one slab it may
/// not use, a large one's keeps `ahead` ready. `take` never waits: with none ready it maps one itself.
final class SlabSupply: @unchecked Sendable {  // `ready` and `stopped` are read and changed under `condition`
    private let condition = NSCondition()
    private var ready: [UnsafeMutableRawPointer] = []
    private var stopped = false
    private var taken = 0
    let ahead: Int

    init(ahead: Int = 6) {
        self.ahead = ahead
        let thread = Thread { [self] in supply() }
        thread.name = "slab supply"
        thread.start()
    }

    /// A slab, its memory brought in when the supply had one ready.
    func take() -> UnsafeMutableRawPointer {
        condition.lock()
        let slab = ready.popLast()
        taken += 1
        condition.signal()
        condition.unlock()
        return slab ?? Slab.allocate()
    }

    /// Takes back a slab for a later `take` (or gives it back to the system when enough are ready).
    func giveBack(_ slab: UnsafeMutableRawPointer) {
        condition.lock()
        let kept = !stopped && ready.count < ahead
        if kept { ready.append(slab) }
        condition.unlock()
        if !kept { Slab.free(slab) }
    }

    /// Ends the supply: its thread gives back the slabs still ready, and any it was bringing in.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func supply() {
        // SCHED_IDLE (Linux): runs only on a core nothing else wants. Refused elsewhere: then an ordinary thread.
        var none = sched_param()
        _ = sched_setscheduler(0, 5, &none)
        condition.lock()
        while !stopped {
            guard ready.count < min(ahead, taken + 1) else {
                condition.wait()
                continue
            }
            condition.unlock()
            let slab = Slab.allocate()
            Slab.bringIn(slab)
            condition.lock()
            ready.append(slab)
        }
        let left = ready
        ready.removeAll()
        condition.unlock()
        for slab in left { Slab.free(slab) }
    }
}
