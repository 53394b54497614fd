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
        text.withUTF8 { bytes in forEachLine(in: bytes) { number, line in out.append(parse(line, number: number, actor: actor)) } }
        return out
    }

    /// Hands each line of `bytes` that is not blank to `body`, with its number (the first line is 1), without
    /// copying the file. Any of "\n", "\r\n" and "\r" ends a line; a leading byte-order mark is skipped.
    public static func forEachLine<E: Error>(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(E) {
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var number = 0
        var i = start
        // Split on bytes, not on Characters, for speed.
        while start < bytes.count {
            while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
            number += 1
            let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
            if i < bytes.count && bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
            i += 1
            start = i
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            try body(number, line)
        }
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
    /// length is imported in the memory of one batch.
    @available(*, noasync)
    public func importJSONL(
        _ bytes: UnsafeBufferPointer<UInt8>, actor: String, batchSize: Int = 1000,
        report: (Int, Result<Outcome, LedgerError>) -> Void
    ) throws(LedgerError) -> JSONLImport.Summary {
        var summary = JSONLImport.Summary()
        var chunk: [JSONLImport.Line] = []
        func commit() throws(LedgerError) {
            let commands = chunk.compactMap { try? $0.command.get() }
            var results = try submit(commands).makeIterator()
            for line in chunk {
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
            chunk.removeAll(keepingCapacity: true)
        }
        try JSONLImport.forEachLine(in: bytes) { number, line throws(LedgerError) in
            chunk.append(JSONLImport.parse(line, number: number, actor: actor))
            if chunk.count >= batchSize { try commit() }
        }
        if !chunk.isEmpty { try commit() }
        return summary
    }
}
