import AidLedgerCore
import ArgumentParser

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Make a new data directory from a backup (and the keys' backup), and verify it.",
        discussion: "--data names the new directory: it must be new or empty. Without --keys-from the ledger works, but no one's personal data opens until the keys' backup is restored beside it.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "The backup (`aidledger backup --to`).") var from: String
    @Option(help: "The keys' backup (`aidledger backup --keys-to`).") var keysFrom: String?

    func run() throws {
        try reporting(json: ledger.json) {
            let report = try Ledger.restore(from: from, keysFrom: keysFrom, to: ledger.directory)
            if ledger.json { return print(report.json.serialized) }
            print("restored \(Printer.n(Int64(report.verified.count))) records into \(report.directory), verified: head \(report.verified.headHash)")
            print(report.keysDirectory == nil
                ? "no keys' backup given: personal data stays closed until it is restored (--keys-from)"
                : "the recipients' data keys restored" + (report.masterKeyCopied ? " with the master key" : "; give the master key as before ($AIDLEDGER_MASTER_KEY or its file)"))
        }
    }
}
