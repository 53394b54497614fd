import AidLedgerCore
import ArgumentParser
import Foundation

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List events, filtered by position, type and entity.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "First position.") var from: UInt64 = 1
    @Option(help: "Last position.") var to: UInt64?
    @Option(name: .customLong("type"), help: "An event type, like goods_issued (repeatable).") var types: [String] = []
    @Option(help: "Only events naming this donor, site, item, campaign or recipient.") var entity: String?
    @Option(help: "At most this many events.") var limit: Int?

    func run() throws {
        try reporting(json: ledger.json) {
            let filter = LogFilter(from: from, to: to ?? .max, types: try eventTypes(types), entity: entity, limit: limit ?? .max)
            let json = ledger.json
            var listed = 0
            try ledger.open().forEachRecord(filter) { r in
                listed += 1
                if json {
                    print(r.json.serialized)
                } else {
                    print(Printer.line(r))
                }
            }
            // Said on stderr, so a script reading the events gets none: a mistyped id otherwise looks like a quiet one.
            if listed == 0 && !json { FileHandle.standardError.write(Data("no events match\n".utf8)) }
        }
    }
}

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "balance", abstract: "Balances of a recipient, donor, campaign or site.")
    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "recipient, donor, campaign or site.") var kind: String
    @Argument(help: "The id; leave out to list every balance of this kind.") var id: String?
    @OptionGroup var point: PointOptions
    @Option(help: "For a site: only the lots expiring within this many days.") var expiring: Int?

    func run() throws {
        try reporting(json: ledger.json) {
            let l = try ledger.open()
            guard ["recipient", "donor", "campaign", "site"].contains(kind) else {
                throw LedgerError(.invalidField, "balance takes recipient, donor, campaign or site, not \(kind)")
            }
            let at = try point.resolve()
            // Every entity of the kind that existed at the point: one registered later has no balance there.
            let ids = try id.map { [$0] } ?? l.ids(of: kind, as: at)
            for (n, id) in ids.enumerated() {
                // Each balance is found before anything of it is printed: a question that fails prints no heading.
                let show: () -> Void
                switch kind {
                case "donor": let b = try l.donorBalance(id, as: at); show = { BalancePrinter.donor(b, json: ledger.json) }
                case "campaign": let b = try l.campaignBalance(id, as: at); show = { BalancePrinter.campaign(b, json: ledger.json) }
                case "site": let b = try l.siteBalance(id, as: at); show = { BalancePrinter.site(b, json: ledger.json, expiringWithin: expiring) }
                default: let b = try l.recipientBalance(id, as: at); show = { BalancePrinter.recipient(b, json: ledger.json) }
                }
                if n == 0 && !ledger.json { point.printHeading() }
                if n > 0 && !ledger.json { print("") }
                show()
            }
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Recompute the hash chain and check the signed checkpoints: exit 0 when whole, 1 and the first bad position when not.",
        discussion: "With --file, verify an export (aidledger export --format jsonl) without any database.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "An export to verify instead of the ledger.") var file: String?
    @Option(help: "Also check the checkpoints in this file (an auditor's copy of checkpoints.jsonl).") var checkpoints: String?
    @Option(name: .customLong("trusted-key"), help: "A trusted checkpoint public key, in hex (repeatable; signing.pub is always trusted).")
    var trustedKeys: [String] = []

    func run() throws {
        try reporting(json: ledger.json) {
            let report: VerifyReport
            if let file {
                report = try mapped(file) { LogExport.verify($0) }
            } else {
                report = try ledger.open().verify(checkpointFile: checkpoints, trustedKeys: trustedKeys)
            }
            if ledger.json {
                print(report.json.serialized)
            } else if report.isIntact {
                let signed = report.checkpoints > 0 ? ", \(report.checkpoints) signed checkpoint(s) hold" : ""
                print("intact: \(Printer.n(report.count)) records, head \(report.headHash)\(signed)")
            } else {
                print("BROKEN at #\(report.firstBadPosition!): \(report.problem ?? "")")
            }
            if !report.isIntact { throw ExitCode(1) }
        }
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign the current head with the organisation's Ed25519 key; verify then catches a history rewritten before it.",
        discussion: "The key is read from --key, else $AIDLEDGER_SIGNING_KEY, else DATA/signing.key (created on first use). See docs/AUDIT.md.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "The private key file.") var key: String?

    func run() throws {
        try reporting(json: ledger.json) {
            let l = try ledger.open()
            let path = key ?? ProcessInfo.processInfo.environment["AIDLEDGER_SIGNING_KEY"] ?? l.directory + "/signing.key"
            let c = try l.checkpoint(keyPath: path)
            if ledger.json { return print(c.json.serialized) }
            print("signed #\(c.position) hash \(c.hash.hexString)")
            print("public key \(c.publicKey.hexString) (trusted in \(l.trustedKeysFile)); checkpoint appended to \(l.checkpointFile)")
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Build a new ledger from an export: the same records, the same head hash, the same balances.")
    @OptionGroup var ledger: LedgerOptions
    @Argument(help: "The export (aidledger export --format jsonl).") var file: String
    @Option(help: "The original ledger's secret file, so document checks keep finding the same people (otherwise a new secret is made).")
    var secret: String?

    func run() throws {
        try reporting(json: ledger.json) {
            guard !Ledger.exists(at: ledger.directory) else {
                throw LedgerError(.alreadyExists, "\(ledger.directory) already holds a ledger; replay into a new directory")
            }
            if let secret {
                guard FileManager.default.fileExists(atPath: secret) else { throw LedgerError(.keyMissing, "there is no secret file \(secret)") }
                try? FileManager.default.createDirectory(atPath: ledger.directory, withIntermediateDirectories: true)
                do {
                    try FileManager.default.copyItem(atPath: secret, toPath: ledger.directory + "/" + LedgerSecret.fileName)
                } catch {
                    throw LedgerError(.storage, "cannot copy the secret into \(ledger.directory): \(error.localizedDescription)")
                }
            }
            let l = try ledger.open(create: true)
            var count = 0
            try mapped(file) { export in
                try LogExport.forEachBatch(export) { lines in
                    let batch = try lines.map { line throws(LedgerError) -> LogExport.Entry in
                        switch line.entry {
                        case .success(let entry): return entry
                        case .failure(let error): throw LedgerError(error.code, "line \(line.number): \(error.message)")
                        }
                    }
                    try l.restore(batch)
                    count += batch.count
                    return true
                }
            }
            let head = try l.head()
            if secret == nil { FileHandle.standardError.write(Data("note: a new secret was made; documents registered before cannot be matched here (use --secret)\n".utf8)) }
            print(ledger.json ? JSONValue.object([("records", .int(count)), ("head_hash", .string(head.hash))]).serialized
                  : "replayed \(Printer.n(count)) records into \(l.directory); head #\(head.position) \(head.hash)")
        }
    }
}

/// `--as-of DATE` or `--at POSITION`: a point in the ledger's history.
struct PointOptions: ParsableArguments {
    @Option(help: "The books as they stood at the end of this day (Kyiv time), YYYY-MM-DD.") var asOf: String?
    @Option(help: "The books as they stood just after this position.") var at: UInt64?

    func resolve() throws(LedgerError) -> AsOf {
        switch (asOf, at) {
        case (nil, nil): return .head
        case (let d?, nil): return .endOfDay(try BusinessDate.parse(d, field: "as-of"))
        case (nil, let p?): return .position(p)
        default: throw LedgerError(.invalidField, "give either --as-of or --at, not both")
        }
    }

    var describe: String { asOf.map { "the end of \($0) (Kyiv)" } ?? at.map { "position #\($0)" } ?? "now" }

    /// Prints "as of …" before text answered at an earlier point, so that a printed answer names the books it shows.
    func printHeading() {
        if asOf != nil || at != nil { print("as of \(describe)\n") }
    }
}
