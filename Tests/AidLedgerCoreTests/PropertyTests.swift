import AidLedgerCore
import Foundation
import Testing

/// Random sequences of valid and invalid commands, from a seed, never break an invariant.
@Suite struct PropertyTests {
    /// A random command over a small world: mostly plausible, often wrong (unknown ids, too much, bad numbers).
    static func randomCommand(_ rng: inout SplitMix64, _ n: Int, positions: UInt64) -> CommandInput {
        let sites = ["WH-CENTRAL", "DP-CENTRE", "DP-VILLAGE", "NOWHERE"]
        let items = ["food-kit", "hygiene-set", "baby-food", "winter-box", "tent"]
        let recipients = (1...30).map { String(format: "R-%06d", $0) } + ["R-999999"]
        func pick<T>(_ a: [T]) -> T { a[rng.next(a.count)] }
        func quantity() -> String { pick(["1", "2", "5", "40", "0", "-3", "1.5", "99999999999", "3"]) }
        var input: CommandInput
        switch rng.next(10) {
        case 0, 1, 2, 3:
            input = CommandInput(verb: "issue", fields: ["site": [pick(sites)], "recipient": [pick(recipients)], "campaign": [pick(["WINTER", "CASH-AID", "NONE"])],
                                                         "item": [pick(items) + ":" + quantity()]])
            if rng.next(3) == 0 { input.set("override-reason", "property test") }
        case 4: input = CommandInput(verb: "transfer", fields: ["from": [pick(sites)], "to": [pick(sites)], "item": [pick(items)], "quantity": [quantity()]])
        case 5: input = CommandInput(verb: "adjust", fields: ["site": [pick(sites)], "item": [pick(items)], "delta": ["-" + quantity()], "reason": [pick(["damaged", "lost", "found"])]])
        case 6: input = CommandInput(verb: "grant", fields: ["recipient": [pick(recipients)], "campaign": [pick(["CASH-AID", "WINTER"])], "amount": [pick(["450", "450.50", "9000", "0.001", "20000"])]])
        case 7: input = CommandInput(verb: "void", fields: ["position": [String(1 + UInt64(rng.next(Int(positions + 5))))], "reason": ["property test"]])
        case 8: input = CommandInput(verb: "intake.goods", fields: ["site": [pick(sites)], "donor": [pick(["CARITAS", "UNICEF", "NOBODY"])], "item": [pick(items)], "quantity": [quantity()], "document": ["w"]])
        default: input = CommandInput(verb: "intake.cash", fields: ["donor": [pick(["CITY", "CARITAS"])], "campaign": ["CASH-AID"], "amount": [pick(["100", "1000.10", "1e3"])], "document": ["o"]])
        }
        // Now and then a retry of an earlier command id, with the same or a different content.
        input.set("command-id", rng.next(20) == 0 ? "p-\(rng.next(max(n, 1)))" : "p-\(n)")
        return input
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomCommandsNeverBreakAnInvariant(seed: UInt64) throws {
        let t = try TestLedger()
        for r in try t.ledger.submit(try DemoScenario(seed: 4, households: 30).commands().map { try Command.parse($0, actor: "t") }) { _ = try r.get() }
        var rng = SplitMix64(seed: seed)
        var accepted = 0
        for round in 0..<8 {
            var batch: [Command] = []
            for i in 0..<60 {
                let input = Self.randomCommand(&rng, round * 60 + i, positions: t.headPosition)
                if let c = try? Command.parse(input, actor: "t") { batch.append(c) }
            }
            let before = t.headPosition
            let results = try t.ledger.submit(batch)
            accepted += results.filter { (try? $0.get())?.status == .appended }.count
            #expect(t.headPosition >= before)
            // The invariants, after every batch.
            #expect(try t.ledger.verify().isIntact)
            let reconcile = try t.ledger.reconcile()
            #expect(reconcile.isBalanced, "\(reconcile.failures.map(\.detail))")
            #expect(try t.ledger.projectionDifferences().isEmpty)
            for site in ["WH-CENTRAL", "DP-CENTRE", "DP-VILLAGE"] {
                #expect(try t.ledger.siteBalance(site).lots.allSatisfy { $0.quantity > 0 })
            }
            #expect(try t.ledger.campaignBalance("CASH-AID").cashLeft >= 0)
        }
        #expect(accepted > 20)
    }
}

/// Hostile bytes for the record decoder and hostile lines for the import parser: errors, never a crash or a hang.
/// `AIDLEDGER_FUZZ_ITERATIONS=N` (and `AIDLEDGER_FUZZ_SEED`) turn the short run into a long one.
@Suite struct FuzzTests {
    static let scale = Int(ProcessInfo.processInfo.environment["AIDLEDGER_FUZZ_ITERATIONS"] ?? "") ?? 1
    static let seed = UInt64(ProcessInfo.processInfo.environment["AIDLEDGER_FUZZ_SEED"] ?? "") ?? 99

    @Test func randomAndMutatedRecordsDecodeOrFailCleanly() throws {
        var rng = SplitMix64(seed: Self.seed)
        let t = try TestLedger()
        try t.standardWorld()
        var stored: [[UInt8]] = []
        try t.ledger.forEachRecord { _, bytes in stored.append(bytes) }
        for _ in 0..<max(20_000, Self.scale) {
            var bytes = stored[rng.next(stored.count)]
            switch rng.next(4) {
            case 0: bytes[rng.next(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 1: bytes = Array(bytes.prefix(rng.next(bytes.count + 1)))
            case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: rng.next(bytes.count))
            default: bytes = (0..<rng.next(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            _ = try? EventRecord.decode(position: 1, stored: bytes)
        }
    }

    @Test func mutatedImportLinesAreRejectedWithACodeAndNeverAccepted() throws {
        var rng = SplitMix64(seed: Self.seed &+ 5)
        let good = DemoScenario(seed: 2, households: 10).commands().map(\.json.serialized)
        let junk: [String] = ["{", "}", "[", "\"", "\\u00", "\u{FEFF}", "\r", "\u{0}", "1e999", "-0", "null", "{}", "[]", ":", ","]
        var text = ""
        let lineCount = max(3_000, Self.scale / 10)
        for _ in 0..<lineCount {
            var line = Array(good[rng.next(good.count)])
            for _ in 0..<(1 + rng.next(3)) {
                let at = rng.next(line.count + 1)
                if rng.next(2) == 0, !line.isEmpty { line.remove(at: min(at, line.count - 1)) } else { line.insert(contentsOf: junk[rng.next(junk.count)], at: at) }
            }
            text += String(line) + (rng.next(2) == 0 ? "\n" : "\r\n")
        }
        let lines = JSONLImport.parse(text, actor: "fuzz")
        #expect(lines.count > lineCount * 8 / 10)
        // Whatever parsed is then checked by the ledger like any other command; nothing crashes on the way.
        let t = try TestLedger()
        let commands = lines.compactMap { try? $0.command.get() }
        _ = try t.ledger.submit(commands)
        #expect(try t.ledger.verify().isIntact)
        #expect(try t.ledger.reconcile().isBalanced)
    }

    @Test func deeplyNestedOrHugeJSONIsRefusedQuickly() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse("{\"a\":" + String(repeating: "1", count: 10) + "") }
        let lines = JSONLImport.parse("\u{FEFF}{\"command\":\"donor.add\"}\r\n\r\n{\"command\":1}\n", actor: "x")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { (try? $0.command.get()) == nil })
    }
}
