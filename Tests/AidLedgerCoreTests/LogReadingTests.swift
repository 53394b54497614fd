import AidLedgerCore
import Testing

/// Reading the whole log in pieces: exports and the log listing.
@Suite struct LogReadingTests {
    @Test func anExportReadInSmallPiecesEqualsOneReadInAPieceAndStopsAtTheHeadItBeganAt() throws {
        let t = try TestLedger()
        try t.standardWorld()
        let issued = try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit", "hygiene-set:4"]])
        try t.submit("adjust", ["site": "DP", "item": "hygiene-set", "delta": "-2", "reason": "damaged", "date": "2026-11-06"])
        try t.submit("void", ["position": String(issued.records[0].position), "reason": "wrong household"])
        for format in ExportFormat.allCases {
            func whole(records: Int, appendingAfterStart: Bool = false) throws -> String {
                let cursor = try ExportCursor(t.ledger, format: format)
                var out = ""
                var first = true
                while let piece = try cursor.nextPiece(records: records) {
                    out += piece
                    // Something recorded while the export is being sent is not part of it.
                    if appendingAfterStart && first {
                        try t.submit("adjust", ["site": "DP", "item": "food-kit", "delta": "-1", "reason": "lost", "date": "2026-11-07"])
                        first = false
                    }
                }
                return out
            }
            let inOne = try whole(records: 1_000_000)
            #expect(try whole(records: 3) == inOne)
            #expect(try whole(records: 3, appendingAfterStart: true) == inOne)
        }
    }

    /// An export's lines are read in batches side by side: the report is the one a line-by-line check gives, wherever
    /// a line is changed, removed or unreadable, at a batch's edge or inside one.
    @Test func anExportReadInBatchesSideBySideIsCheckedLikeOneReadLineByLine() throws {
        let t = try TestLedger()
        try t.standardWorld()
        try t.submit("issue", ["site": "DP", "recipient": "H-1", "campaign": "WINTER", "date": "2026-11-05"], lists: ["item": ["food-kit", "hygiene-set:4"]])
        let cursor = try ExportCursor(t.ledger, format: .jsonl)
        var text = ""
        while let piece = try cursor.nextPiece(records: 1_000) { text += piece }
        let lines = text.split(separator: "\n").map(String.init)
        try #require(lines.count > 12)
        func reports(_ lines: [String]) -> (inBatches: VerifyReport, inOne: VerifyReport) {
            var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
            return bytes.withUnsafeMutableBufferPointer { b in
                (LogExport.verify(UnsafeBufferPointer(b), batchLines: 3), LogExport.verify(UnsafeBufferPointer(b), batchLines: 1_000_000))
            }
        }
        let intact = reports(lines)
        #expect(intact.inBatches.isIntact && intact.inBatches.count == UInt64(lines.count))
        #expect(intact.inBatches.json == intact.inOne.json)
        for i in [0, 2, 3, 4, 7, lines.count - 1] {
            var changed = lines
            changed[i] = changed[i].replacingOccurrences(of: "\"actor\":\"", with: "\"actor\":\"x")
            var removed = lines
            removed.remove(at: i)
            var unreadable = lines
            unreadable[i] = "{\"position\":"
            for (what, variant) in [("changed", changed), ("removed", removed), ("unreadable", unreadable)] {
                let (inBatches, inOne) = reports(variant)
                #expect(inBatches.firstBadPosition == UInt64(i + 1) || (what == "removed" && i == lines.count - 1 && inBatches.isIntact), "line \(i + 1) \(what)")
                #expect(inBatches.json == inOne.json, "line \(i + 1) \(what)")
            }
        }
    }

    @Test func theLogIsListedAcrossItsReadWindowsWithEveryFilter() throws {
        // More than one window of the log (10,000 positions per read transaction).
        let t = try TestLedger()
        let inputs = DemoScenario(seed: 5, households: 4_000).commands()
        for r in try t.ledger.submit(try inputs.map { try Command.parse($0, actor: "t") }) { _ = try r.get() }
        let head = t.headPosition
        try #require(head > 10_000)
        let all = try t.ledger.records()
        #expect(all.map(\.position) == Array(1...head))
        #expect(try t.ledger.records(LogFilter(from: 9_990, to: 10_020)).map(\.position) == Array(9_990...10_020))
        #expect(try t.ledger.records(LogFilter(from: 9_999, limit: 3)).map(\.position) == [9_999, 10_000, 10_001])
        let issued = all.filter { $0.event.type == .goodsIssued }
        #expect(try t.ledger.records(LogFilter(types: [.goodsIssued])).map(\.position) == issued.map(\.position))
        // A recipient, the sites (as where an event happened and as a transfer's destination), a campaign, an item, a
        // donor; an id that is only a piece of others' (its bytes are in records that do not name it); an unknown id.
        for entity in ["R-000001", "DP-CENTRE", "WH-CENTRAL", "WINTER", "food-kit", "CITY", "R-00000", "NOBODY"] {
            let theirs = all.filter { $0.mentions(entity) }
            #expect(theirs.isEmpty == ["R-00000", "NOBODY"].contains(entity), "\(entity)")
            #expect(try t.ledger.records(LogFilter(entity: entity)).map(\.position) == theirs.map(\.position), "\(entity)")
        }
        #expect(try t.ledger.records(LogFilter(from: 2, types: [.goodsIssued], limit: 5)).map(\.position) == issued.prefix(5).map(\.position))
    }
}
