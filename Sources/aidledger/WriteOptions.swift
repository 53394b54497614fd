import AidLedgerCore
import ArgumentParser
import Foundation

/// The fields every recording command takes.
struct WriteOptions: ParsableArguments {
    @Option(name: .long, help: "Your id for this command; retrying with the same id never records twice (default: a new id).")
    var commandId: String?

    @Option(name: .long, help: "Who records it (default: $AIDLEDGER_ACTOR or $USER).")
    var actor: String?

    @Option(name: .long, help: "The business date, YYYY-MM-DD (default: today in Kyiv).")
    var date: String?

    @Option(name: .long, help: "Refuse unless the entity is still at this version (the position of its last change).")
    var expectVersion: String?

    var defaultActor: String {
        let env = ProcessInfo.processInfo.environment
        return env["AIDLEDGER_ACTOR"] ?? env["USER"] ?? "operator"
    }

    func input(_ verb: String, _ fields: [String: String?], lists: [String: [String]] = [:]) -> CommandInput {
        var input = CommandInput(verb: verb)
        input.set("command-id", commandId ?? WriteOptions.newCommandID())
        input.set("actor", actor)
        input.set("date", date)
        input.set("expect-version", expectVersion)
        for (k, v) in fields { input.set(k, v) }
        for (k, v) in lists { input.append(k, v) }
        return input
    }
}

/// A command that records something: builds its input, submits it and prints the outcome.
protocol RecordingCommand: ParsableCommand {
    var ledger: LedgerOptions { get }
    var write: WriteOptions { get }
    var input: CommandInput { get }
}

extension RecordingCommand {
    func run() throws {
        try reporting(json: ledger.json) {
            let command = try Command.parse(input, actor: write.defaultActor)
            let outcome = try ledger.open().submit(command)
            Printer.outcome(outcome, json: ledger.json)
        }
    }
}

extension WriteOptions {
    /// A fresh command id that sorts after the ones made before it (the time in microseconds, base 36, then random
    /// hex), so the ledger's command index grows at its end, as it does for the counter page's ids.
    static func newCommandID() -> String {
        let micros = UInt64(Date().timeIntervalSince1970 * 1_000_000)
        let time = String(micros, radix: 36)
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() as UInt64, radix: 16)
        return "cli-" + String(repeating: "0", count: max(0, 11 - time.count)) + time + "-" + suffix
    }
}
