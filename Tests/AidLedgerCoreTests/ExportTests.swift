import AidLedgerCore
import Testing

@Suite struct ExportTests {
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
}
