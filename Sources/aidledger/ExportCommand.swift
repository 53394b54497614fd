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
            let format = try ExportFormat.parse(format)
            let l = try ledger.open()
            let sink = try OutputSink(path: output)
            try l.export(format, to: sink.write)
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
