/// A growing run of values of any type in memory it owns, each changed where it lies through a pointer. A replay's
/// chunk keeps its recipients' summaries in one: an event changes its recipient's summary in place, where taking it
/// out of an array and putting it back copied it, retaining and releasing each of its arrays (and so touching the
/// memory of every one) for every event. It cannot be copied, so nothing else can share it.
struct ValueBuffer<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Adds `element` at the end. - Returns: where it lies, until the next append.
    mutating func append(_ element: consuming Element) -> UnsafeMutablePointer<Element> {
        if count == capacity {
            let larger = capacity * 2
            let moved = UnsafeMutablePointer<Element>.allocate(capacity: larger)
            moved.moveInitialize(from: base, count: count)
            base.deallocate()
            (base, capacity) = (moved, larger)
        }
        let at = base + count
        at.initialize(to: element)
        count += 1
        return at
    }

    /// Where the `i`th element lies, until the next append.
    @inline(__always)
    func pointer(_ i: Int) -> UnsafeMutablePointer<Element> {
        precondition(i >= 0 && i < count, "an index beyond the buffer")
        return base + i
    }

    /// Ends every element, keeping the memory.
    mutating func removeAll() {
        base.deinitialize(count: count)
        count = 0
    }
}
