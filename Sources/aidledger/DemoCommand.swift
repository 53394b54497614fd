import AidLedgerCore
import ArgumentParser
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Create a demo ledger (a city centre's last quarter) when the data directory has none.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "Households in the demo.") var households: Int = 120
    @Option(help: "The seed: the same seed gives the same ledger.") var seed: UInt64 = 2026

    func run() throws {
        try reporting(json: ledger.json) {
            if Ledger.exists(at: ledger.directory) {
                return print("a ledger already exists in \(ledger.directory); leaving it as it is")
            }
            let l = try ledger.open(create: true)
            do {
                try fill(l)
            } catch {
                try? FileManager.default.removeItem(atPath: ledger.directory)  // leave no half-made demo behind
                throw error
            }
        }
    }

    private func fill(_ l: Ledger) throws {
            let inputs = DemoScenario(seed: seed, households: households).commands()
            let commands = try inputs.map { (i: CommandInput) throws(LedgerError) in try Command.parse(i, actor: "demo") }
            var recorded = 0
            var firstIssuance: UInt64?
            for result in try l.submit(commands) {
                let outcome = try result.get()
                recorded += outcome.records.count
                if firstIssuance == nil, let r = outcome.records.first, r.event.type == .goodsIssued { firstIssuance = r.position }
            }
            // A correction, as happens at every counter: the first issuance was typed for the wrong household.
            if let target = firstIssuance {
                var input = CommandInput(verb: "void", fields: ["position": [String(target)], "reason": ["typed for the wrong household"]])
                input.set("command-id", "demo-\(seed)-void")
                _ = try l.submit(try Command.parse(input, actor: "demo"))
                recorded += 1
            }
            print("created a demo ledger in \(ledger.directory): \(recorded) events")
    }
}
