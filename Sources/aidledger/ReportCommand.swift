import AidLedgerCore
import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The figures of a municipal report for a period: people served, goods issued, funding, cash aid, intake, write-offs.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "First business date, YYYY-MM-DD.") var from: String
    @Option(help: "Last business date, YYYY-MM-DD.") var to: String
    @Option(help: "Only this campaign.") var campaign: String?
    @Option(help: "Only this site.") var site: String?
    @Option(help: "Only what this donor's goods and cash did: the draws on their lots, the people those reached, their intake.") var donor: String?
    @Option(help: "text, json or csv.") var format: String = "text"
    @Option(help: "Also say what changed the report since it was counted through this position (the \"counted through #N\" of a report sent earlier): the events recorded after it that count now, and the voids of events it counted.")
    var since: UInt64?
    @OptionGroup var point: PointOptions

    func run() throws {
        try reporting(json: ledger.json || format == "json") {
            let from = try BusinessDate.parse(self.from, field: "from")
            let to = try BusinessDate.parse(self.to, field: "to")
            let l = try ledger.open()
            let at = try point.resolve()
            let r = try l.report(from: from, to: to, campaign: campaign, site: site, donor: donor, as: at)
            let changes = try since.map { (since: UInt64) throws(LedgerError) in
                try l.reportChanges(from: from, to: to, campaign: campaign, site: site, donor: donor, since: since, as: at)
            }
            switch ledger.json ? "json" : format {
            case "json":
                print((changes?.json(in: r) ?? r.json).serialized)
            case "csv":
                guard changes == nil else { throw LedgerError(.invalidField, "--since is printed as text or JSON, not CSV") }
                print(ReportPrinter.csv(r), terminator: "")
            case "text":
                point.printHeading()
                ReportPrinter.text(r)
                if let changes { try ReportPrinter.text(changes, now: r) }
            default: throw LedgerError(.invalidField, "format \(format) is not one of: text, json, csv")
            }
        }
    }
}

/// The period report as aligned text tables or as one CSV table.
enum ReportPrinter {
    static func text(_ r: PeriodReport) {
        var scope = "\(r.from) to \(r.to)"
        if let c = r.campaign { scope += ", campaign \(c)" }
        if let s = r.site { scope += ", site \(s)" }
        if let d = r.donor { scope += ", aid from donor \(d)" }
        print("Report for \(scope), counted through #\(Printer.n(r.through))\n")
        let s = r.served
        print("Served")
        Printer.table(["", "recipients", "people"], [
            ["all", Printer.n(s.recipients), Printer.n(s.people)],
            ["households", Printer.n(s.households), ""], ["individuals", Printer.n(s.individuals), ""],
        ] + Area.allCases.map { [$0.rawValue, Printer.n(s.byArea[$0] ?? 0), ""] }
          + RecipientCategory.allCases.filter { s.byCategory[$0] != nil }.map { [$0.rawValue, Printer.n(s.byCategory[$0]!), ""] })
        print("\nGoods issued")
        Printer.table(["item", "units", "value UAH"],
            r.issued.sorted { $0.key < $1.key }.map { [$0.key, Printer.n($0.value.units), Printer.uah($0.value.value)] }
            + [["total", "", Printer.uah(r.issuedValue)]])
        print("\nValue issued by funding source")
        Printer.table(["source", "value UAH"],
            [["city budget and other public money", Printer.uah(r.publicValue)], ["charitable and international donors", Printer.uah(r.charitableValue)]]
            + r.valueByDonor.sorted { $0.key < $1.key }.map { ["  donor \($0.key)", Printer.uah($0.value)] })
        print("\nCash aid: \(Printer.n(r.cashRecipients)) recipients, \(Printer.uah(r.cashTotal)) UAH")
        print("\nIntake received")
        Printer.table(["donor", "item", "units", "value UAH"],
            r.intake.sorted { $0.key < $1.key }.flatMap { donor, items in
                items.sorted { $0.key < $1.key }.map { [donor, $0.key, Printer.n($0.value.units), Printer.uah($0.value.value)] }
            } + r.cashIntake.sorted { $0.key < $1.key }.map { [$0.key, "cash", "", Printer.uah($0.value)] })
        print("\nWrite-offs")
        Printer.table(["reason", "units", "value UAH"],
            AdjustmentReason.allCases.compactMap { reason in r.writeOffs[reason].map { [reason.rawValue, Printer.n($0.units), Printer.uah($0.value)] } })
    }

    /// The report then and now, side by side, and the events that account for the difference.
    static func text(_ c: ReportChanges, now: PeriodReport) throws {
        print("\nChanged since #\(Printer.n(c.since))")
        let (intakeThen, intakeNow) = (try c.then.intakeValue(), try now.intakeValue())
        let (writtenOffThen, writtenOffNow) = (try c.then.writtenOffValue(), try now.writtenOffValue())
        Printer.table(["figure", "then", "now"], [
            ["recipients served", Printer.n(c.then.served.recipients), Printer.n(now.served.recipients)],
            ["people served", Printer.n(c.then.served.people), Printer.n(now.served.people)],
            ["value issued UAH", Printer.uah(c.then.issuedValue), Printer.uah(now.issuedValue)],
            ["cash aid UAH", Printer.uah(c.then.cashTotal), Printer.uah(now.cashTotal)],
            ["intake UAH", Printer.uah(intakeThen), Printer.uah(intakeNow)],
            ["written off UAH", Printer.uah(writtenOffThen), Printer.uah(writtenOffNow)],
        ])
        if c.added.isEmpty && c.voided.isEmpty { return print("\nNothing recorded after #\(Printer.n(c.since)) changes this report.") }
        if !c.added.isEmpty {
            print("\nRecorded after #\(Printer.n(c.since)) and counted now (\(c.added.count)):")
            for r in c.added { print(Printer.line(r)) }
        }
        if !c.voided.isEmpty {
            print("\nVoided after #\(Printer.n(c.since)), counted then (\(c.voided.count)):")
            for (void, target) in c.voided { print("\(Printer.line(void))\n    voids \(Printer.line(target))") }
        }
    }

    /// One table: section, subject, detail, units, value in UAH; UTF-8 with a byte-order mark so spreadsheets read it right.
    static func csv(_ r: PeriodReport) -> String {
        var rows: [[String]] = [["section", "subject", "detail", "units", "value_uah"]]
        // Which books the figures are: a file sent on names its period, scope and last record counted.
        rows.append(["report", "period", "\(r.from)..\(r.to)", "", ""])
        for (subject, id) in [("campaign", r.campaign), ("site", r.site), ("donor", r.donor)] { if let id { rows.append(["report", subject, id, "", ""]) } }
        rows.append(["report", "counted_through", "#\(r.through)", "", ""])
        let s = r.served
        rows.append(["served", "recipients", "", String(s.recipients), ""])
        rows.append(["served", "people", "", String(s.people), ""])
        rows.append(["served", "households", "", String(s.households), ""])
        rows.append(["served", "individuals", "", String(s.individuals), ""])
        for a in Area.allCases { rows.append(["served", "area", a.rawValue, String(s.byArea[a] ?? 0), ""]) }
        for c in RecipientCategory.allCases { rows.append(["served", "category", c.rawValue, String(s.byCategory[c] ?? 0), ""]) }
        for (item, v) in r.issued.sorted(by: { $0.key < $1.key }) { rows.append(["issued", item, "", String(v.units), Kopecks.plain(v.value)]) }
        rows.append(["funding", "public", "", "", Kopecks.plain(r.publicValue)])
        rows.append(["funding", "charitable_and_international", "", "", Kopecks.plain(r.charitableValue)])
        for (d, v) in r.valueByDonor.sorted(by: { $0.key < $1.key }) { rows.append(["funding", "donor", d, "", Kopecks.plain(v)]) }
        rows.append(["cash_aid", "total", "", String(r.cashRecipients), Kopecks.plain(r.cashTotal)])
        for (donor, items) in r.intake.sorted(by: { $0.key < $1.key }) {
            for (item, v) in items.sorted(by: { $0.key < $1.key }) { rows.append(["intake", donor, item, String(v.units), Kopecks.plain(v.value)]) }
        }
        for (donor, v) in r.cashIntake.sorted(by: { $0.key < $1.key }) { rows.append(["intake", donor, "cash", "", Kopecks.plain(v)]) }
        for reason in AdjustmentReason.allCases { if let w = r.writeOffs[reason] { rows.append(["write_off", reason.rawValue, "", String(w.units), Kopecks.plain(w.value)]) } }
        return "\u{FEFF}" + rows.map { $0.map(LogExport.csvField).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

}
