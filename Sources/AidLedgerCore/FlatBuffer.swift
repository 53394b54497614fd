/// A growing run of plain values in memory it owns, for the records a replay's reading thread writes for every event
/// (`EffectPlan`'s steps and marks): appending checks for room and stores, where an array's append also checked that
/// its storage was not shared (a call into the runtime) and wrote its new storage back. It cannot be copied, so
/// nothing else can share it.
struct FlatBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        precondition(i >= 0 && i < count, "an index beyond the buffer")
        return base[i]
    }

    /// The elements, as an array (for a comparison in a test).
    var elements: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    private mutating func grow() {
        let larger = capacity * 2
        let moved = UnsafeMutablePointer<Element>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (moved, larger)
    }
}
