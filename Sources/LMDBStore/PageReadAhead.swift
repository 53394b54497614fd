import CLMDB

/// Asks the processor for the whole of each page a cursor's walk enters, as it enters it, so that the page's entries
/// come from memory at once, not one wait each: for long walks of pages read once (the log's; a comparison's of a
/// whole database with a replay, `KeyOrderMatch`). A page of a rebuilt ledger's recipients holds about a dozen
/// summaries, each a wait on memory when the walk met it unasked.
struct PageReadAhead {
    /// The environment's page size (0: asks for nothing).
    private let page: Int
    /// The address of the page last asked for.
    private var entered = 0

    init(pageSize: Int) { page = pageSize }

    /// Notes that the walk is at the entry whose key is at `node` (a key lies in its page; a value may lie on pages
    /// of its own; the map starts on a page boundary), asking for the page when it is not the one before.
    @inline(__always)
    mutating func enter(_ node: UnsafeMutableRawPointer?) {
        guard page > 0, let node, Int(bitPattern: node) & -page != entered else { return }
        entered = Int(bitPattern: node) & -page
        for line in stride(from: 0, to: page, by: 64) { clmdb_prefetch(UnsafeRawPointer(bitPattern: entered + line)) }
    }
}
