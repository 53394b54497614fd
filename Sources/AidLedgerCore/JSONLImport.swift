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
        text.withUTF8 { bytes in
            var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            var number = 0
            var i = start
            // Any of "\n", "\r\n" and "\r" ends a line; split on bytes, not on Characters, for speed.
            while start < bytes.count {
                while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
                number += 1
                let line = UnsafeBufferPointer(rebasing: bytes[start..<i])
                if i < bytes.count && bytes[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
                i += 1
                start = i
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let text = String(decoding: line, as: UTF8.self)
                out.append(Line(number: number, command: Result { () throws(LedgerError) -> Command in
                    let value: JSONValue
                    do {
                        value = try JSONValue.parse(text)
                    } catch {
                        throw LedgerError(.invalidJSON, "line is not valid JSON: \(error)")
                    }
                    return try Command.parse(try CommandInput.from(json: value), actor: actor)
                }))
            }
        }
        return out
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
        var summary = JSONLImport.Summary()
        let lines = JSONLImport.parse(text, actor: actor)
        var start = 0
        while start < lines.count {
            let chunk = lines[start..<min(start + batchSize, lines.count)]
            start += chunk.count
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
        }
        return summary
    }
}
