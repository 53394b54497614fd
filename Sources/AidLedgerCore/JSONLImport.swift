import Dispatch

/// Reads a JSON Lines file of commands, one per line, as the command line and the API accept them.
///
/// Tolerates what spreadsheets and editors leave behind: a byte-order mark, Windows line endings and
/// blank lines. Each line gets its own outcome; a bad line does not stop the others.
public enum JSONLImport {
    /// One line's command, or why it could not be read.
    public struct Line: Sendable {
        public var number: Int
        public var command: Result<Command, LedgerError>
    }

    /// Splits and parses `text`.
    public static func parse(_ text: String, actor: String) -> [Line] {
        var out: [Line] = []
        var text = text
        text.withUTF8 { bytes in for (number, line) in TextLines(bytes) { out.append(parse(line, number: number, actor: actor)) } }
        return out
    }

    /// One line's command, or why it cannot be read.
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, number: Int, actor: String) -> Line {
        Line(number: number, command: Result { () throws(LedgerError) -> Command in
            guard let text = line.allSatisfy({ $0 < 0x80 }) ? String(decoding: line, as: UTF8.self) : String(validating: line, as: UTF8.self) else {
                throw LedgerError(.invalidJSON, "line is not UTF-8 text")
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(text)
            } catch {
                throw LedgerError(.invalidJSON, "line is not valid JSON: \(error)")
            }
            return try Command.parse(try CommandInput.from(json: value), actor: actor)
        })
    }

    /// Totals of an import.
    public struct Summary: Sendable {
        public var appended = 0
        public var duplicates = 0
        public var rejected = 0
        public var events = 0
    }
}

extension Ledger {
    /// Imports the lines of a JSONL file in batches of `batchSize` commands per transaction,
    /// reporting each line's outcome through `report` as its batch commits.
    @available(*, noasync)
    public func importJSONL(
        _ text: String, actor: String, batchSize: Int = 1000,
        report: (Int, Result<Outcome, LedgerError>) -> Void
    ) throws(LedgerError) -> JSONLImport.Summary {
        var text = text
        let result = text.withUTF8 { bytes in Result { () throws(LedgerError) in try importJSONL(bytes, actor: actor, batchSize: batchSize, report: report) } }
        return try result.get()
    }

    /// Imports the lines of a JSONL file's bytes (a mapped file, say), parsing one batch at a time: a file of any
    /// length is imported in the memory of two batches. The next batch is parsed while the writer records this one
    /// (parsing a line is about a third of importing it), and outcomes are reported in line order.
    @available(*, noasync)
    public func importJSONL(
        _ bytes: UnsafeBufferPointer<UInt8>, actor: String, batchSize: Int = 1000,
        report: (Int, Result<Outcome, LedgerError>) -> Void
    ) throws(LedgerError) -> JSONLImport.Summary {
        var summary = JSONLImport.Summary()
        /// A batch handed to the writer, and where its outcomes arrive.
        var recording: (lines: [JSONLImport.Line], outcomes: Locked<Result<[Result<Outcome, LedgerError>], LedgerError>?>, done: DispatchSemaphore)?
        func record(_ lines: [JSONLImport.Line]) {
            let commands = lines.compactMap { try? $0.command.get() }
            let outcomes = Locked<Result<[Result<Outcome, LedgerError>], LedgerError>?>(nil)
            let done = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                let result = Result { () throws(LedgerError) in try self.submit(commands) }
                outcomes.withLock { $0 = result }
                done.signal()
            }
            recording = (lines, outcomes, done)
        }
        func finish() throws(LedgerError) {
            guard let (lines, outcomes, done) = recording else { return }
            recording = nil
            done.wait()
            var results = try outcomes.withLock({ $0! }).get().makeIterator()
            for line in lines {
                let result: Result<Outcome, LedgerError>
                switch line.command {
                case .failure(let e): result = .failure(e)
                case .success: result = results.next()!
                }
                switch result {
                case .success(let o) where o.status == .duplicate: summary.duplicates += 1
                case .success(let o):
                    summary.appended += 1
                    summary.events += o.records.count
                case .failure: summary.rejected += 1
                }
                report(line.number, result)
            }
        }
        var chunk: [JSONLImport.Line] = []
        chunk.reserveCapacity(batchSize)
        do {
            for (number, line) in TextLines(bytes) {
                chunk.append(JSONLImport.parse(line, number: number, actor: actor))
                if chunk.count >= batchSize {
                    try finish()
                    record(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try finish()
            if !chunk.isEmpty {
                record(chunk)
                try finish()
            }
        } catch {
            // A batch still with the writer is waited for, so nothing runs on after the import has returned.
            recording?.done.wait()
            throw error
        }
        return summary
    }
}
