import Glibc

/// Memory of one huge page (2 MiB), mapped on its own and aligned to its size, which the kernel backs with a huge
/// page at the first write where it has one (`MADV_HUGEPAGE`: Linux's transparent huge pages, in their "madvise" or
/// "always" mode), and otherwise with ordinary pages as any memory. One fault then brings in what took 512, each
/// with its trap, its page's accounting and its clearing.
enum Slab {
    static let bytes = 1 << 21

    /// A new slab: `bytes` bytes, aligned to `bytes`, zero until written.
    static func allocate() -> UnsafeMutableRawPointer {
        // Twice the size mapped, and what lies outside the aligned half given back.
        guard let mapped = mmap(nil, 2 * bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), mapped != MAP_FAILED else {
            fatalError("out of memory: a replay could not map \(2 * bytes) bytes")
        }
        let start = UInt(bitPattern: mapped)
        let aligned = (start + UInt(bytes) - 1) & ~(UInt(bytes) - 1)
        if aligned > start { munmap(mapped, Int(aligned - start)) }
        let tail = start + UInt(2 * bytes) - (aligned + UInt(bytes))
        if tail > 0 { munmap(UnsafeMutableRawPointer(bitPattern: aligned + UInt(bytes)), Int(tail)) }
        let slab = UnsafeMutableRawPointer(bitPattern: aligned)!
        _ = madvise(slab, bytes, MADV_HUGEPAGE)  // advice: without huge pages, ordinary ones
        return slab
    }

    /// Brings in the memory of `slab`, made by `allocate` and not written to yet: a write to each of its pages.
    static func bringIn(_ slab: UnsafeMutableRawPointer) {
        for page in stride(from: 0, to: bytes, by: 4096) { slab.storeBytes(of: 0, toByteOffset: page, as: UInt8.self) }
    }

    /// Gives back a slab `allocate` made.
    static func free(_ slab: UnsafeMutableRawPointer) { munmap(slab, bytes) }
}
