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
    @OptionGroup var point: PointOptions

    func run() throws {
        try reporting(json: ledger.json || format == "json") {
            let from = try BusinessDate.parse(self.from, field: "from")
            let to = try BusinessDate.parse(self.to, field: "to")
            let r = try ledger.open().report(from: from, to: to, campaign: campaign, site: site, donor: donor, as: try point.resolve())
            switch ledger.json ? "json" : format {
            case "json": print(r.json.serialized)
            case "csv": print(ReportPrinter.csv(r), terminator: "")
            case "text":
                point.printHeading()
                ReportPrinter.text(r)
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

    /// One table: section, subject, detail, units, value in UAH; UTF-8 with a byte-order mark so spreadsheets read it right.
    static func csv(_ r: PeriodReport) -> String {
        var rows: [[String]] = [["section", "subject", "detail", "units", "value_uah"]]
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
