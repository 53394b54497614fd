import AidLedgerCore
import Foundation
import LedgerGenerator

// aidledger-generate --households N --events M [--seed S] (--jsonl FILE | --data DIR)
// Writes a realistic ledger: a JSONL command file for `aidledger import`, or a ledger directly
// (relaxed commits in batches of 10,000, then one sync).
let usage = "usage: aidledger-generate --households N --events M [--seed S] (--jsonl FILE | --data DIR)"
var options: [String: String] = [:]
var args = CommandLine.arguments.dropFirst()
while let key = args.popFirst() {
    guard key.hasPrefix("--"), let value = args.popFirst() else { FileHandle.standardError.write(Data((usage + "\n").utf8)); exit(2) }
    options[String(key.dropFirst(2))] = value
}
guard let households = options["households"].flatMap(Int.init), let events = options["events"].flatMap(Int.init),
      options["jsonl"] != nil || options["data"] != nil else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
let generator = LedgerGenerator(seed: options["seed"].flatMap(UInt64.init) ?? 1, households: households, events: events)
let started = Date()
var count = 0
if let path = options["jsonl"] {
    FileManager.default.createFile(atPath: path, contents: nil)
    let out = FileHandle(forWritingAtPath: path)!
    var buffer = ""
    for input in generator {
        buffer += input.json.serialized + "\n"
        count += 1
        if buffer.utf8.count > 1 << 20 { out.write(Data(buffer.utf8)); buffer = "" }
    }
    out.write(Data(buffer.utf8))
    try out.close()
} else if let dir = options["data"] {
    let ledger = try Ledger(directory: dir, create: true, durability: .relaxed, mapSize: 1 << 30)
    var batch: [Command] = []
    func flush() throws {
        for (i, result) in try ledger.submit(batch).enumerated() {
            if case .failure(let e) = result {
                FileHandle.standardError.write(Data("command \(count - batch.count + i + 1) (\(batch[i].input.verb)) was rejected: \(e)\n".utf8))
                exit(1)
            }
        }
        batch.removeAll(keepingCapacity: true)
    }
    for input in generator {
        batch.append(try Command.parse(input, actor: "generator"))
        count += 1
        if batch.count == 10_000 {
            try flush()
            if count % 100_000 == 0 { FileHandle.standardError.write(Data("\r\(count) commands".utf8)) }
        }
    }
    try flush()
    try ledger.sync()
    ledger.close()
}
let seconds = Date().timeIntervalSince(started)
print("{\"commands\":\(count),\"seconds\":\(String(format: "%.1f", seconds))}")
