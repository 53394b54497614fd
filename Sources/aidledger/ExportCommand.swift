import AidLedgerCore
import ArgumentParser
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the whole log: jsonl for auditors (verifiable and replayable), csv for spreadsheets, hledger for accountants.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "jsonl, csv or hledger.") var format: String = "jsonl"
    @Option(name: [.short, .long], help: "Write to this file instead of standard output.") var output: String?

    func run() throws {
        try reporting(json: ledger.json) {
            guard ["jsonl", "csv", "hledger"].contains(format) else { throw LedgerError(.invalidField, "format \(format) is not one of: jsonl, csv, hledger") }
            let l = try ledger.open()
            let sink = try OutputSink(path: output)
            switch format {
            case "csv":
                sink.write("\u{FEFF}" + LogExport.csvHeader.joined(separator: ",") + "\r\n")
                try l.forEachRecord { record, _ in
                    for row in LogExport.csvRows(record) { sink.write(row.map(LogExport.csvField).joined(separator: ",") + "\r\n") }
                }
            case "hledger":
                var journal = HledgerJournal(voided: try l.voidedPositions())
                sink.write(HledgerJournal.header)
                try l.forEachRecord { record, _ in
                    if let entry = journal.entry(record) { sink.write(entry) }
                }
            default:
                try l.forEachRecord { record, stored in sink.write(LogExport.line(record, stored: stored) + "\n") }
            }
            sink.close()
        }
    }
}

/// Buffered writing to a file or standard output.
final class OutputSink {
    private let handle: FileHandle
    private var buffer = Data()
    private let owned: Bool

    init(path: String?) throws {
        if let path {
            guard FileManager.default.createFile(atPath: path, contents: nil) , let h = FileHandle(forWritingAtPath: path) else {
                throw LedgerError(.storage, "cannot write \(path)")
            }
            handle = h
            owned = true
        } else {
            handle = FileHandle.standardOutput
            owned = false
        }
    }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 1 << 20 { flush() }
    }

    func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() {
        flush()
        if owned { try? handle.close() }
    }
}
