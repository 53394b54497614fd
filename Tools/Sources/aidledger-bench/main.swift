import AidLedgerCore
import Foundation
import LedgerGenerator

// aidledger-bench DIR [--households N] | aidledger-bench DIR --replay-only [--repeat N] [--replay-chunk N]
//   | aidledger-bench DIR --as-of-only [--repeat N] [--at P]
// The project's side of the measurements against the raw LMDB limit (Tools/measure.sh runs both):
// validated appends in batches of 100 and 10,000 commands per commit, single-command durable commits,
// rebuild of all projections, verify, and a balance lookup. Prints one JSON object.
let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: aidledger-bench DIR [--households N]\n".utf8))
    exit(2)
}
let dir = args[1]
let households = args.firstIndex(of: "--households").flatMap { Int(args[$0 + 1]) } ?? 20_000
/// Rebuilds or as-of questions timed by `--replay-only` and `--as-of-only` (3 unless said).
let repeats = args.firstIndex(of: "--repeat").flatMap { Int(args[$0 + 1]) } ?? 3
// `--lookups-only`: a million recipient balance lookups on an existing ledger (for profiling the card).
if args.contains("--lookups-only") {
    let ledger = try Ledger(directory: dir)
    let ids = try ledger.ids(of: "recipient")
    let start = DispatchTime.now().uptimeNanoseconds
    for i in 0..<1_000_000 { _ = try ledger.recipientBalance(ids[i % ids.count]) }
    print("mean lookup: \(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) µs")
    ledger.close()
    exit(0)
}
// `--replay-only [--repeat N] [--replay-chunk N]`: rebuilds an existing ledger's projections N times (3 unless said; for
// profiling), with a replay chunk of N summaries (the ledger's default unless said).
if args.contains("--replay-only") {
    let chunk = args.firstIndex(of: "--replay-chunk").flatMap { Int(args[$0 + 1]) }
    let ledger = try chunk.map { try Ledger(directory: dir, replayChunk: $0) } ?? Ledger(directory: dir)
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let report = try ledger.rebuild()
        print("replayed \(report.events) events: \(Double(report.events) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) events/s")
    }
    var bytes = 0
    try ledger.forEachRecord { _, stored in bytes += stored.count }
    let fileBytes = (try FileManager.default.attributesOfItem(atPath: dir + "/events/data.mdb")[.size] as? Int) ?? 0
    print("data file / raw record bytes: \(Double(fileBytes) / Double(bytes)) (\(fileBytes) / \(bytes))")
    ledger.close()
    exit(0)
}
// `--as-of-only [--repeat N] [--at P]`: the books at position P (the head unless said) replayed N times (3 unless said),
// each time by a ledger opened afresh with no kept point or milestone to start from; timed to the first answer.
if args.contains("--as-of-only") {
    let fm = FileManager.default
    for _ in 0..<repeats {
        for name in try fm.contentsOfDirectory(atPath: dir) where name.hasPrefix("asof-") || name.hasPrefix("milestone-") {
            try fm.removeItem(atPath: dir + "/" + name)
        }
        let ledger = try Ledger(directory: dir)
        let at = try args.firstIndex(of: "--at").flatMap { UInt64(args[$0 + 1]) } ?? ledger.head().position
        let start = DispatchTime.now().uptimeNanoseconds
        let donors = try ledger.ids(of: "donor", as: .position(at))
        print("books at #\(at) (\(donors.count) donors): \(Double(at) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) events/s")
        ledger.close()
    }
    exit(0)
}
try? FileManager.default.removeItem(atPath: dir)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Commands already parsed, so what is timed is the ledger's work, not JSON.
let all = try LedgerGenerator(seed: 7, households: households, events: households * 12).map { try Command.parse($0, actor: "bench") }
let setupCount = all.firstIndex { $0.input.verb == "issue" }.map { max($0, 0) } ?? 0
var results: [String: Double] = ["commands": Double(all.count)]
let ledger = try Ledger(directory: dir, create: true, mapSize: 1 << 30)

func submit(_ commands: ArraySlice<Command>, perCommit: Int) throws -> Double {
    try seconds {
        var i = commands.startIndex
        while i < commands.endIndex {
            let end = min(i + perCommit, commands.endIndex)
            for r in try ledger.submit(Array(commands[i..<end])) { _ = try r.get() }
            i = end
        }
    }
}

// Registrations and the first stock, then the timed runs on what follows.
_ = try submit(all[..<setupCount], perCommit: 10_000)
var cursor = setupCount
let single = min(2_000, (all.count - cursor) / 10)
results["single_commit_per_s"] = Double(single) / (try submit(all[cursor..<cursor + single], perCommit: 1))
cursor += single
let n100 = min(50_000, (all.count - cursor) / 3)
results["batch100_commands_per_s"] = Double(n100) / (try submit(all[cursor..<cursor + n100], perCommit: 100))
cursor += n100
let n10k = all.count - cursor
results["batch10000_commands_per_s"] = Double(n10k) / (try submit(all[cursor...], perCommit: 10_000))

let head = try ledger.head().position
results["events"] = Double(head)
var bytes = 0
try ledger.forEachRecord { _, stored in bytes += stored.count }
results["mean_record_bytes"] = Double(bytes) / Double(head)
results["rebuild_events_per_s"] = Double(head) / (try seconds { _ = try ledger.rebuild() })
results["verify_records_per_s"] = Double(head) / (try seconds { _ = try ledger.verify() })
// Balance lookups: the median of many, in microseconds.
var lookups: [Double] = []
for i in 0..<2_000 {
    let id = String(format: "H-%07d", i % households + 1)
    lookups.append(try seconds { _ = try ledger.recipientBalance(id) } * 1e6)
}
lookups.sort()
results["recipient_balance_median_us"] = lookups[lookups.count / 2]
ledger.close()
let fileBytes = (try FileManager.default.attributesOfItem(atPath: dir + "/events/data.mdb")[.size] as? Int) ?? 0
results["data_file_to_record_bytes"] = Double(fileBytes) / Double(bytes)
print(JSONValue.object(results.sorted { $0.key < $1.key }.map { ($0.key, .number(String(format: "%.2f", $0.value))) }).serialized)
