import AidLedgerCore
import ArgumentParser
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record the commands of a JSON Lines file; running the same file again records nothing new.",
        discussion: "Each line is one command: {\"command\": \"issue\", \"command-id\": \"…\", …} with the command line's option names. See docs/IMPORT.md.")
    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "The JSONL file.") var file: String
    @Option(help: "Commands per transaction.") var batch: Int = 1000
    @Option(help: "Who records them (default: $AIDLEDGER_ACTOR or $USER).") var actor: String?
    @Flag(help: "Relaxed sync: faster, but a power cut during the import may lose its last batches (the file stays consistent; run the import again).")
    var relaxedSync = false
    @Flag(help: "Print only the summary and the rejected lines.") var quiet = false

    func run() throws {
        try reporting(json: ledger.json) {
            let env = ProcessInfo.processInfo.environment
            let l = try ledger.open(relaxed: relaxedSync)
            let actor = actor ?? env["AIDLEDGER_ACTOR"] ?? env["USER"] ?? "import"
            let summary = try mapped(file) { bytes in
                try l.importJSONL(bytes, actor: actor, batchSize: max(1, batch)) { line, result in
                    switch result {
                    case .success(let o):
                        if quiet { return }
                        if ledger.json {
                            print(JSONValue.object([("line", .int(line)), ("outcome", o.json)]).serialized)
                        } else {
                            print("line \(line): \(o.status == .duplicate ? "already recorded" : "recorded") \(o.records.map { "#\($0.position)" }.joined(separator: " "))")
                        }
                    case .failure(let e):
                        if ledger.json {
                            print(JSONValue.object([("line", .int(line)), ("error", .object([("code", .string(e.code.rawValue)), ("message", .string(e.message))]))]).serialized)
                        } else {
                            print("line \(line): error[\(e.code.rawValue)]: \(e.message)")
                        }
                    }
                }
            }
            if relaxedSync { try? l.sync() }
            let text2 = "\(summary.appended + summary.duplicates + summary.rejected) lines: \(summary.appended) recorded (\(summary.events) events), \(summary.duplicates) already recorded, \(summary.rejected) rejected"
            if ledger.json {
                print(JSONValue.object([("summary", .object([("recorded", .int(summary.appended)), ("events", .int(summary.events)), ("already_recorded", .int(summary.duplicates)), ("rejected", .int(summary.rejected))]))]).serialized)
            } else {
                print(text2)
            }
            if summary.rejected > 0 { throw ExitCode(3) }
        }
    }
}
