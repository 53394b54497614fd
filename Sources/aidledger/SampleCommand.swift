import AidLedgerCore
import ArgumentParser
import Foundation

struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a random sample of a period's events for an audit: the same seed draws the same sample, from the ledger or from its export.",
        discussion: """
            Each event's rank is the first eight bytes of SHA-256(seed, a zero byte, the event's hash); the sample is the \
            events of the period with the lowest ranks. Events recorded later never change it. See docs/AUDIT.md.
            """)
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "First business date, YYYY-MM-DD.") var from: String
    @Option(help: "Last business date, YYYY-MM-DD.") var to: String
    @Option(help: "How many events to draw.") var size: Int = 25
    @Option(help: "The seed (any text); when left out a new one is made and printed, to draw the same sample again.") var seed: String?
    @Option(name: .customLong("type"), help: "An event type to draw from (repeatable; goods_issued and cash_granted unless given).") var types: [String] = []
    @Option(help: "Only events at this site.") var site: String?
    @Option(help: "Only events under this campaign.") var campaign: String?
    @Option(help: "Only events that drew on this donor's goods or cash (and intakes from them, when asked for with --type).") var donor: String?
    @Flag(help: "Draw by value (monetary units): an issuance or grant is as likely to be drawn as its kopecks are many.") var byValue = false
    @Option(help: "Draw from an export (aidledger export --format jsonl) instead of the ledger: no database needed.") var file: String?

    func run() throws {
        try reporting(json: ledger.json) {
            let made = seed == nil
            let seed = self.seed ?? (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            let request = try AuditSample.Request(
                from: try BusinessDate.parse(from, field: "from"), to: try BusinessDate.parse(to, field: "to"), types: try eventTypes(types),
                site: site, campaign: campaign, donor: donor, size: size, seed: seed, byValue: byValue
            ).validated()
            let sample: AuditSample
            if let file {
                sample = try mapped(file) { export in
                    try AuditSample.draw(request) { each in
                        try LogExport.forEachBatch(export) { lines in
                            for line in lines {
                                switch line.entry {
                                case .success(let entry): each(entry.record)
                                case .failure(let error): throw LedgerError(error.code, "line \(line.number): \(error.message)")
                                }
                            }
                            return true
                        }
                    }
                }
            } else {
                sample = try ledger.open().sample(request)
            }
            if ledger.json { return print(sample.json.serialized) }
            let kinds = request.types.map(\.name).sorted().joined(separator: ", ")
            let scope = [site.map { "at \($0)" }, campaign.map { "under \($0)" }, donor.map { "drawing on \($0)" }].compactMap { $0 }.joined(separator: " ")
            print("\(Printer.n(sample.events.count)) of \(Printer.n(sample.population)) events (\(kinds)) dated \(request.from) to \(request.to)\(scope.isEmpty ? "" : " " + scope), seed \(seed)")
            if byValue {
                print("by value: \(Printer.uah(sample.populationValue)) UAH in all, a unit every \(Printer.uah(sample.interval)) UAH from \(Printer.uah(sample.start)) UAH")
            }
            for (r, voided) in sample.events {
                let void = voided.map { "  VOIDED by #\($0)" } ?? ""
                let weight = sample.weight(of: r.position).map { "  \(Printer.uah($0.value)) UAH, \($0.hits) unit(s)" } ?? ""
                print("\(Printer.line(r))  hash \(r.hash.hexString)\(weight)\(void)")
            }
            if made { FileHandle.standardError.write(Data("a new seed was made: give --seed \(seed) to draw the same sample again\n".utf8)) }
        }
    }
}

/// Event types by their names (`goods_issued`, …), refusing an unknown one with the list of known ones.
func eventTypes(_ names: [String]) throws(LedgerError) -> Set<EventType> {
    var out: Set<EventType> = []
    for name in names {
        guard let t = EventType(name: name) else {
            throw LedgerError(.invalidField, "\(name) is not an event type; known: \(EventType.allCases.map(\.name).joined(separator: ", "))")
        }
        out.insert(t)
    }
    return out
}
