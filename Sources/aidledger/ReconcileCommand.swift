import AidLedgerCore
import ArgumentParser

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Check that every donor's goods and every campaign's cash add up; exit 1 with the rows that do not.",
        discussion: """
            Per donor and item (units and UAH): received − issued + adjustments = on hand (counted lot by lot). \
            Per campaign: cash received − granted = left. Per item and for cash: recipients' totals = donors' = campaigns'.
            """)
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var point: PointOptions
    @Flag(help: "Print every row, not only the summary and the failures.") var all = false

    func run() throws {
        try reporting(json: ledger.json) {
            let report = try ledger.open().reconcile(as: try point.resolve())
            if ledger.json {
                print(report.json.serialized)
            } else {
                point.printHeading()
                let shown = all || !report.isBalanced ? (all ? report.rows : report.failures) : report.rows
                Printer.table(
                    ["check", "subject", "unit", "expected", "actual", "difference", ""],
                    shown.map { r in
                        let money = r.unit != "units"
                        let f = { (v: Int64) in money ? Printer.uah(v) : Printer.n(v) }
                        return [r.check, r.subject, money ? "UAH" : "units", f(r.expected), f(r.actual), f(r.actual - r.expected), r.balances ? "ok" : "DOES NOT BALANCE"]
                    })
                print(report.isBalanced ? "\nbalanced: \(report.rows.count) checks" : "\n\(report.failures.count) of \(report.rows.count) checks do not balance")
            }
            if !report.isBalanced { throw ExitCode(1) }
        }
    }
}
