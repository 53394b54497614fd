import LMDBStore

/// Which of a record's effects one pass of a replay projects. A rebuild (or check) of a ledger of more households than
/// a replay holds at once passes over its log several times (`Ledger.replay`): the first pass projects every effect on
/// no recipient's summary (stock, cash, running totals, the registry, the versions of sites, campaigns, donors and
/// items) in the log's order, so that a lot's stock is checked after every event as in one pass; each pass after it
/// projects the summaries, reach and versions of one share of the recipients, a range of their ids, and holds that
/// share's summaries whole: each is decoded and encoded once, not once per chunk of events that meets it. A household's
/// new profile is met in its share's pass, in the log's order, as in one pass.
///
/// Any other replay projects everything in each of its chunks (`all`).
struct ReplayShare: Sendable, Equatable {
    /// 0: the pass of what is on no summary (or the only pass); 1...count: the pass of a share of the recipients.
    let index: Int
    /// Where each share of the recipients after the first begins: the first id of each, in LMDB's key order (the
    /// recipients' summaries are kept by id in that order, so that a pass writes its share's into one stretch of their
    /// database, not into every page of it). Empty: one pass for everything.
    let bounds: [[UInt8]]
    /// Whether the replay is in passes (`bounds` not empty): asked of every record, kept apart from the array.
    let inPasses: Bool

    init(index: Int, bounds: [[UInt8]]) {
        (self.index, self.bounds, inPasses) = (index, bounds, !bounds.isEmpty)
    }

    static let all = ReplayShare(index: 0, bounds: [])

    /// Shares of the recipients (0: one pass for everything).
    var count: Int { inPasses ? bounds.count + 1 : 0 }

    /// Whether the pass projects what is on no recipient's summary.
    var keepsCommon: Bool { index == 0 }

    /// Whether the pass projects recipients' summaries (for the recipients it owns).
    var keepsSummaries: Bool { !inPasses || index > 0 }

    /// Whether the pass projects what concerns the recipient whose id's UTF-8 bytes are `id`.
    func owns(_ id: UnsafeRawBufferPointer) -> Bool {
        guard inPasses else { return true }
        guard index > 0 else { return false }
        // In the share whose first id is the last at or before it (a handful of shares: compared in turn).
        var share = 1
        for b in bounds {
            guard b.withUnsafeBytes({ KeyOrder.compare($0, id) <= 0 }) else { break }
            share += 1
        }
        return share == index
    }

    func owns(_ id: String) -> Bool {
        guard inPasses else { return true }
        var id = id
        return id.withUTF8 { owns(UnsafeRawBufferPointer($0)) }
    }

    /// The first ids of `shares` shares of about as many of the recipients the registry read by `txn` holds each,
    /// after the first (a registry that holds fewer recipients than the shares gives fewer). Any ids would do: every
    /// id falls in one share; these spread the work and the memory evenly.
    static func bounds(_ shares: Int, of store: LedgerStore, in txn: borrowing Transaction) throws -> [[UInt8]] {
        let prefix = LedgerStore.Kind.recipient.letter
        func walk(_ body: (UnsafeRawBufferPointer) -> Bool) throws {
            try txn.forEach(store.registry, from: [prefix]) { key, _ in key.first == prefix && body(UnsafeRawBufferPointer(rebasing: key.dropFirst())) }
        }
        var recipients = 0
        try walk { _ in recipients += 1; return true }
        guard shares > 1, recipients >= shares else { return [] }
        var bounds: [[UInt8]] = []
        var i = 0
        try walk { id in
            if i > 0, i % (recipients / shares) == 0, bounds.count < shares - 1 { bounds.append(Array(id)) }
            i += 1
            return bounds.count < shares - 1
        }
        return bounds
    }
}

extension ReplayShare {
    /// The recipient `event` concerns, if any (a void concerns its target's: ask of the target).
    static func recipient(of event: borrowing Event) -> String? {
        switch event {
        case .recipientRegistered(let p): p.recipient
        case .recipientUpdated(let u): u.recipient
        case .recipientErased(let e): e.recipient
        case .goodsIssued(let p): p.recipient
        case .cashGranted(let p): p.recipient
        default: nil
        }
    }

    /// Whether a record stored as `stored` may concern a recipient, by its type alone, looked at in place: a pass of
    /// recipients' summaries passes over every other record without decoding it.
    static func mayConcernRecipient(_ stored: UnsafeRawBufferPointer) -> Bool {
        guard stored.count > 3 else { return true }  // decoded, to say what is wrong with it
        switch EventType(rawValue: UInt16(stored[1]) << 8 | UInt16(stored[2])) {
        case .recipientRegistered, .recipientUpdated, .recipientErased, .goodsIssued, .cashGranted, .eventVoided, nil: return true
        default: return false
        }
    }
}
