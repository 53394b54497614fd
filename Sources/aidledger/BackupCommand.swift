import AidLedgerCore
import ArgumentParser

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the ledger into a new directory while it keeps recording, and verify the copy.",
        discussion: """
            The copy holds the log and its projections as of one commit, the documents' secret and the signed checkpoints: \
            `aidledger verify --data DIR` and every query work on it. The recipients' data keys (and the master key, when it is \
            DATA/master.key) go only to --keys-to, a directory to keep apart from the data's backup (docs/PRIVACY.md). To restore, \
            copy the backup (and the keys' backup into it) to a new data directory.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "A new or empty directory for the copy.") var to: String
    @Option(help: "A new or empty directory, apart from --to, for the recipients' data keys.") var keysTo: String?

    func run() throws {
        try reporting(json: ledger.json) {
            let report = try ledger.open().backup(to: to, keysTo: keysTo)
            if ledger.json { return print(report.json.serialized) }
            print("backed up \(Printer.n(Int64(report.verified.count))) records to \(report.directory), verified there: head \(report.verified.headHash)")
            if report.verified.checkpoints > 0 { print("signed checkpoints checked in the copy: \(report.verified.checkpoints)") }
            if let keys = report.keysDirectory {
                print("recipients' data keys to \(keys)" + (report.masterKeyCopied ? " with the master key" : "; the master key is not the data directory's file: keep your own copy of it"))
            } else {
                print("the recipients' data keys are not in it: back them up apart with --keys-to")
            }
        }
    }
}
