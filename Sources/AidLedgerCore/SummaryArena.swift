/// Memory handed out from large slabs by moving a pointer, all of it given back at once: a replay's chunk keeps its
/// recipients' summaries' lines in one (`ReplaySummaries`). Six small arrays per summary, each allocated, grown and
/// freed on its own, were a fifth of the replaying thread's instructions, and lay wherever the allocator put them:
/// here a summary's lines lie side by side, and the lines of summaries changed one after another (a distribution
/// round visits the households in turn) lie one after another too.
///
/// Its slabs are mapped as the kernel's huge pages where it gives them (`Slab`), and brought in ahead of their use
/// on a core that would otherwise wait (`SlabSupply`): the replaying thread met a fault for every 4 KiB of summaries
/// the first time it wrote there, about a tenth of its time in a rebuild.
///
/// It cannot be copied, so nothing else can share it. Blocks are aligned to 8 bytes.
struct SummaryArena: ~Copyable {
    /// Bytes a slab holds (one huge page); a block larger than a quarter of that gets memory of its own.
    static let slabBytes = Slab.bytes

    private var slabs: [UnsafeMutableRawPointer] = []
    /// Where slabs come from once the first is needed, and go back to between chunks.
    private var supply: SlabSupply?
    /// Blocks too large for a slab.
    private var large: [UnsafeMutableRawPointer] = []
    /// Where the current slab's free memory starts, and how much of it is left.
    private var next: UnsafeMutableRawPointer?
    private var left = 0
    /// Bytes handed out since the arena was emptied (what a replay counts against its memory bound: a slab's memory
    /// no block has touched yet costs nothing).
    private(set) var used = 0

    init() {}

    deinit {
        for s in slabs { Slab.free(s) }
        for b in large { b.deallocate() }
        supply?.stop()
    }

    @inline(__always)
    private static func rounded(_ bytes: Int) -> Int { (bytes + 7) & ~7 }

    /// A block of `bytes` bytes.
    mutating func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let n = SummaryArena.rounded(bytes)
        used += n
        if n <= left, let at = next {
            next = at + n
            left -= n
            return at
        }
        return allocateElsewhere(n)
    }

    @inline(never)
    private mutating func allocateElsewhere(_ n: Int) -> UnsafeMutableRawPointer {
        if n > SummaryArena.slabBytes / 4 {
            let block = UnsafeMutableRawPointer.allocate(byteCount: n, alignment: 8)
            large.append(block)
            return block
        }
        let slab: UnsafeMutableRawPointer
        if let supply {
            slab = supply.take()
        } else {
            slab = Slab.allocate()
            supply = SlabSupply()
        }
        slabs.append(slab)
        (next, left) = (slab + n, SummaryArena.slabBytes - n)
        return slab
    }

    /// Grows the block at `block`, of `bytes` bytes, to `larger` bytes where it lies, when it is the last block handed
    /// out and its slab has room. - Returns: whether it grew.
    mutating func extend(_ block: UnsafeMutableRawPointer, from bytes: Int, to larger: Int) -> Bool {
        let (old, new) = (SummaryArena.rounded(bytes), SummaryArena.rounded(larger))
        guard let at = next, block + old == at, new - old <= left else { return false }
        next = at + (new - old)
        left -= new - old
        used += new - old
        return true
    }

    /// Gives back every block, keeping one slab for the next chunk.
    mutating func removeAll() {
        for b in large { b.deallocate() }
        large.removeAll()
        for s in slabs.dropFirst() { supply?.giveBack(s) }
        if slabs.count > 1 { slabs.removeSubrange(1...) }
        (next, left) = slabs.first.map { ($0, SummaryArena.slabBytes) } ?? (nil, 0)
        used = 0
    }
}
