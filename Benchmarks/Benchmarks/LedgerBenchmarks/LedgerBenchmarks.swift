import AidLedgerCore
import Benchmark
import Foundation

/// Runs `body` on a ledger in a fresh temporary directory, empty or with a small programme and `households`
/// households; closes it and removes the directory afterwards (a benchmark runs its closure many times).
func withFreshLedger(households: Int = 0, _ body: (Ledger) throws -> Void) throws {
    let dir = NSTemporaryDirectory() + "aidledger-bench-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let ledger = try Ledger(directory: dir, create: true, mapSize: 1 << 30)
    defer { ledger.close() }
    if households > 0 {
        let inputs = DemoScenario(seed: 3, households: households).commands()
        for r in try ledger.submit(try inputs.map { try Command.parse($0, actor: "bench") }) { _ = try r.get() }
    }
    try body(ledger)
}

/// `count` issuances of a kit without an entitlement rule, each with its own command id, to `households` households.
func issuances(_ count: Int, households: Int, tag: String) throws -> [Command] {
    try (0..<count).map { i in
        var input = CommandInput(verb: "issue", fields: [
            "site": ["WH-CENTRAL"], "recipient": [String(format: "R-%06d", i % households + 1)], "campaign": ["WINTER"], "item": ["winter-box"],
        ])
        input.set("command-id", "bench-\(tag)-\(i)")
        return try Command.parse(input, actor: "bench")
    }
}

/// Stock for the issuances: a large intake of the kit at the warehouse.
func stockUp(_ ledger: Ledger, _ tag: String) throws {
    var input = CommandInput(verb: "intake.goods", fields: ["site": ["WH-CENTRAL"], "donor": ["UNICEF"], "item": ["winter-box"], "quantity": ["100000000"], "document": ["bench"]])
    input.set("command-id", "stock-\(tag)")
    _ = try ledger.submit(try Command.parse(input, actor: "bench"))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(5), maxIterations: 1_000_000,
        thresholds: [.mallocCountTotal: .init(relative: [.p90: 5.0])]
    )

    Benchmark("Single-command durable append", configuration: .init(maxIterations: 500)) { benchmark in
        try withFreshLedger(households: 50) { ledger in
            try stockUp(ledger, "single")
            let commands = try issuances(benchmark.scaledIterations.count, households: 50, tag: "single")
            benchmark.startMeasurement()
            for c in commands { blackHole(try ledger.submit(c)) }
            benchmark.stopMeasurement()
        }
    }

    for perCommit in [100, 10_000] {
        Benchmark("Batched appends, \(perCommit) per commit", configuration: .init(scalingFactor: .one, maxIterations: 20)) { benchmark in
            try withFreshLedger(households: 200) { ledger in
                try stockUp(ledger, "batch")
                for iteration in benchmark.scaledIterations {
                    let batch = try issuances(perCommit, households: 200, tag: "b\(perCommit)-\(iteration)")
                    benchmark.startMeasurement()
                    blackHole(try ledger.submit(batch))
                    benchmark.stopMeasurement()
                }
            }
        }
    }

    Benchmark("Issuance with every check (entitlements, lots)", configuration: .init(maxIterations: 200)) { benchmark in
        try withFreshLedger(households: 400) { ledger in
            var commands: [Command] = []
            for i in benchmark.scaledIterations {
                var input = CommandInput(verb: "issue", fields: [
                    "site": ["DP-CENTRE"], "recipient": [String(format: "R-%06d", i % 400 + 1)], "campaign": ["WINTER"],
                    "item": ["food-kit", "hygiene-set"], "override-reason": ["benchmark"],
                ])
                input.set("command-id", "full-\(i)")
                commands.append(try Command.parse(input, actor: "bench"))
            }
            benchmark.startMeasurement()
            for c in commands { blackHole(try? ledger.submit(c)) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Rebuild of all projections", configuration: .init(maxIterations: 5)) { benchmark in
        try withFreshLedger(households: 2_000) { ledger in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try ledger.rebuild()) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("As-of report over the whole log", configuration: .init(maxIterations: 5)) { benchmark in
        try withFreshLedger(households: 2_000) { ledger in
            let from = try BusinessDate.parse("2014-01-01", field: "from")
            benchmark.startMeasurement()
            defer { benchmark.stopMeasurement() }
            for _ in benchmark.scaledIterations { blackHole(try ledger.report(from: from, to: .today(), as: .position(ledger.head().position - 10))) }
        }
    }

    Benchmark("Verify", configuration: .init(maxIterations: 5)) { benchmark in
        try withFreshLedger(households: 2_000) { ledger in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { blackHole(try ledger.verify()) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("Balance lookup", configuration: .init(scalingFactor: .kilo, maxIterations: 100)) { benchmark in
        try withFreshLedger(households: 200) { ledger in
            benchmark.startMeasurement()
            for i in benchmark.scaledIterations { blackHole(try ledger.recipientBalance(String(format: "R-%06d", i % 200 + 1))) }
            benchmark.stopMeasurement()
        }
    }

    Benchmark("JSONL import", configuration: .init(maxIterations: 10)) { benchmark in
        let text = DemoScenario(seed: 9, households: 1_000).commands().map(\.json.serialized).joined(separator: "\n")
        for _ in benchmark.scaledIterations {
            try withFreshLedger { ledger in
                benchmark.startMeasurement()
                blackHole(try ledger.importJSONL(text, actor: "bench", batchSize: 1_000) { _, _ in })
                benchmark.stopMeasurement()
            }
        }
    }
}
