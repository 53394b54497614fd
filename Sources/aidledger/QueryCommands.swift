import AidLedgerCore
import ArgumentParser

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
            var filter = LogFilter(from: from, to: to ?? .max, entity: entity, limit: limit ?? .max)
            for name in types {
                guard let t = EventType(name: name) else {
                    throw LedgerError(.invalidField, "\(name) is not an event type; known: \(EventType.allCases.map(\.name).joined(separator: ", "))")
                }
                filter.types.insert(t)
            }
            let records = try ledger.open().records(filter)
            if ledger.json {
                for r in records { print(r.json.serialized) }
                return
            }
            for r in records {
                print("#\(r.position)  \(r.businessDate)  \(r.event.type.name)  \(Printer.summary(r))  [\(r.actor)]")
            }
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
            let ids = try id.map { [$0] } ?? l.ids(of: kind)
            if at != .head && !ledger.json { print("as of \(point.describe)\n") }
            for (n, id) in ids.enumerated() {
                if n > 0 && !ledger.json { print("") }
                switch kind {
                case "donor": BalancePrinter.donor(try l.donorBalance(id, as: at), json: ledger.json)
                case "campaign": BalancePrinter.campaign(try l.campaignBalance(id, as: at), json: ledger.json)
                case "site": BalancePrinter.site(try l.siteBalance(id, as: at), json: ledger.json, expiringWithin: expiring)
                default: BalancePrinter.recipient(try l.recipientBalance(id, as: at), json: ledger.json)
                }
            }
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Recompute the hash chain: exit 0 when whole, 1 and the first bad position when not.")
    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        try reporting(json: ledger.json) {
            let report = try ledger.open().verify()
            if ledger.json {
                print(report.json.serialized)
            } else if report.isIntact {
                print("intact: \(Printer.n(Int64(report.count))) records, head \(report.headHash)")
            } else {
                print("BROKEN at #\(report.firstBadPosition!): \(report.problem ?? "")")
            }
            if !report.isIntact { throw ExitCode(1) }
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
}
