import AidLedgerCore
import ArgumentParser
import Foundation

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute every projection from the log (in one transaction: an interrupted rebuild changes nothing).",
        discussion: "With --check, only compare the stored projections with the log, entry by entry; exit 1 when they differ.")
    @OptionGroup var ledger: LedgerOptions
    @Flag(help: "Compare only; change nothing.") var check = false

    func run() throws {
        try reporting(json: ledger.json) {
            let l = try ledger.open()
            if check {
                let differences = try l.projectionDifferences()
                if ledger.json {
                    print(JSONValue.object([("agree", .bool(differences.isEmpty)), ("differences", .array(differences.map { .string($0) }))]).serialized)
                } else {
                    print(differences.isEmpty ? "the stored projections agree with the log" : differences.joined(separator: "\n"))
                }
                if !differences.isEmpty { throw ExitCode(1) }
                return
            }
            let tty = isatty(STDERR_FILENO) == 1
            let started = Date()
            let report = try l.rebuild { done, total in
                guard tty else { return }
                FileHandle.standardError.write(Data("\rrebuilding: \(Printer.n(Int64(done))) of \(Printer.n(Int64(total))) events".utf8))
            }
            if tty { FileHandle.standardError.write(Data("\n".utf8)) }
            let seconds = Date().timeIntervalSince(started)
            let held = report.heldBytes >= 1 << 20 ? "\(Printer.n(Int64(report.heldBytes >> 20))) MiB" : "\(Printer.n(Int64(max(1, report.heldBytes >> 10)))) KiB"
            if ledger.json {
                print(JSONValue.object([
                    ("events", .int(report.events)), ("entries", .int(report.entries)), ("mended", .int(report.mended)), ("held_bytes", .int(Int64(report.heldBytes))),
                ]).serialized)
            } else {
                print("rebuilt \(Printer.n(report.entries)) projection entries from \(Printer.n(Int64(report.events))) events in \(String(format: "%.2f", seconds)) s; \(Printer.n(report.mended)) stored entries differed and were mended; recipients' summaries held at most \(held) at once")
            }
        }
    }
}
