import Glibc

/// A growing run of plain values in memory it owns: appending checks for room and stores, where an array's append
/// also checked that its storage was not shared (a call into the runtime) and wrote its new storage back. It cannot be
/// copied, so nothing else can share it. A replay's plans keep their steps and marks in it (written on one thread for
/// every event), and `ByteWriter` its bytes.
///
/// Its memory is the C allocator's, grown with `realloc`: a large buffer's pages are then moved by the kernel where
/// they lie (`mremap`), not copied into new pages, each met with a fault as it is written, and the old ones let go.
struct FlatBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        precondition(MemoryLayout<Element>.alignment <= 16, "values aligned beyond what malloc gives")
        self.capacity = max(capacity, 16)
        base = FlatBuffer.reallocate(nil, capacity: self.capacity)
    }

    deinit { free(base) }

    private static func reallocate(_ base: UnsafeMutablePointer<Element>?, capacity: Int) -> UnsafeMutablePointer<Element> {
        guard let memory = realloc(base, capacity * MemoryLayout<Element>.stride) else { fatalError("out of memory: \(capacity) values") }
        return memory.assumingMemoryBound(to: Element.self)
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Appends what `write` writes at the end, in room for `most` elements made first. - Returns (from `write`): how
    /// many it wrote. (One check for room for a few elements written together, not one for each.)
    @inline(__always)
    mutating func append(upTo most: Int, _ write: (UnsafeMutablePointer<Element>) -> Int) {
        if most > capacity - count { grow(to: count + most) }
        count += write(base + count)
    }

    mutating func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        guard let from = elements.baseAddress, elements.count > 0 else { return }
        if elements.count > capacity - count { grow(to: count + elements.count) }
        (base + count).initialize(from: from, count: elements.count)
        count += elements.count
    }

    @inline(__always)
    subscript(_ i: Int) -> Element {
        precondition(i >= 0 && i < count, "an index beyond the buffer")
        return base[i]
    }

    /// Where the `i`th element lies, to be changed in place (an array held by an object checked that its storage was
    /// not shared, a call into the runtime, at every change), until the next append.
    @inline(__always)
    func pointer(_ i: Int) -> UnsafeMutablePointer<Element> {
        precondition(i >= 0 && i < count, "an index beyond the buffer")
        return base + i
    }

    /// The elements in `range` (within the buffer), in place until the next append.
    @inline(__always)
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<Element> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "a range beyond the buffer")
        return UnsafeBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Whether the buffer holds `element`.
    func contains(_ element: Element) -> Bool where Element: Equatable {
        for i in 0..<count where base[i] == element { return true }
        return false
    }

    /// Empties the buffer, keeping its memory.
    mutating func removeAll() { count = 0 }

    /// Hands `body` the elements, in place.
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// The elements, as an array.
    var elements: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, capacity * 2)
        (base, capacity) = (FlatBuffer.reallocate(base, capacity: larger), larger)
    }
}
