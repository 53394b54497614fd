import AidLedgerCore
import Foundation
import LMDBStore
import Testing

@Suite struct CommandLineTests {
    let cli = CLI()

    /// The lines of a README walk-through block, joined where they continue with a backslash.
    static func walkthrough(_ name: String) throws -> [String] {
        let readme = try String(contentsOfFile: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "<!-- walkthrough\(name.isEmpty ? "" : " " + name) -->"),
              let end = readme.range(of: "<!-- /walkthrough -->", range: start.upperBound..<readme.endIndex) else { return [] }
        var lines: [String] = []
        var pending = ""
        for raw in readme[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let line = String(raw)
            guard line.hasPrefix("aidledger") || line.hasPrefix("hledger") || !pending.isEmpty else { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
            } else {
                lines.append(pending + line)
                pending = ""
            }
        }
        return lines
    }

    /// Runs each line; a comment ending `exit N` says what a line must end with. - Returns: each line's output.
    func run(walkthrough lines: [String]) throws -> [String: String] {
        var outputs: [String: String] = [:]
        for line in lines {
            let comment = line.range(of: "# ").map { line[$0.upperBound...] } ?? ""
            let expected = comment.range(of: "exit ", options: .backwards).map { Int32(comment[$0.upperBound...].prefix(1)) ?? 0 } ?? 0
            let run = try cli.sh(line)
            #expect(run.status == expected, "\(line)\n\(run.out)\n\(run.err)")
            outputs[line] = run.out + run.err
        }
        return outputs
    }

    /// The README's walk-through, run line by line exactly as written.
    @Test func theReadmeWalkThroughWorksExactlyAsWritten() throws {
        let lines = try Self.walkthrough("")
        #expect(lines.count > 15)
        let outputs = try run(walkthrough: lines)
        let refused = outputs.first { $0.key.contains("exit 3") }?.value ?? ""
        #expect(refused.contains("error[entitlement_exceeded]"))
        #expect(refused.contains("may receive 1 again on"))
        let retry = outputs.first { $0.key.contains("a retry") }?.value ?? ""
        #expect(retry.contains("already recorded #11"))
        #expect(outputs.first { $0.key.hasPrefix("aidledger verify") }?.value.contains("intact: 15 records") == true)
        // The household grew to five: the fifth hygiene set is given, and the change is in its log.
        #expect(outputs.first { $0.key.contains("a child is born") }?.value.contains("household of 4, idp, urban, Kalush → household of 5") == true)
        #expect(try cli("balance", "recipient", "H-0001").out.contains("household of 5"))
        #expect(try cli("balance", "recipient", "H-0001").out.contains("changed at #14: household of 4, idp, urban, Kalush → household of 5"))
        #expect(try cli("balance", "recipient", "H-0001", "--at", "13").out.contains("household of 4"))
        let site = try cli("balance", "site", "DP-CENTRE", "--json")
        #expect(site.out.contains("\"item\":\"food-kit\",\"units\":99"))
        #expect(try cli("balance", "campaign", "WINTER").out.contains("left 18,000.00 UAH"))
    }

    /// The README's accountant and auditor walk-through, exactly as written.
    @Test func theReadmeAuditWalkThroughWorksExactlyAsWritten() throws {
        let lines = try Self.walkthrough("audit")
        #expect(lines.count > 10)
        let outputs = try run(walkthrough: lines)
        let heads = outputs.filter { $0.key.hasPrefix("aidledger verify") }.values.map { $0.components(separatedBy: "head ").last!.prefix(64) }
        #expect(Set(heads).count == 1, "\(heads)")
        #expect(outputs.first { $0.key.hasPrefix("aidledger reconcile") }?.value.contains("balanced:") == true)
        let hledger = outputs.first { $0.key.hasPrefix("hledger") }?.value ?? ""
        let site = try cli.sh("aidledger balance site DP-CENTRE --json --data ./aidledger-data").out
        let food = site.components(separatedBy: "{\"item\":\"food-kit\",\"units\":").dropFirst().first?.prefix { $0.isNumber } ?? "?"
        #expect(hledger.contains("\(food) \"food-kit\""), "\(hledger)")
    }

    @Test func aRejectionPrintsItsCodeOnStderrAndExitsThree() throws {
        try cli("init")
        let run = try cli("issue", "--site", "NOPE", "--recipient", "R-1", "--campaign", "C", "--item", "food-kit")
        #expect(run.status == 3)
        #expect(run.err.hasPrefix("error[unknown_site]: there is no site NOPE"))
        let json = try cli("issue", "--site", "NOPE", "--recipient", "R-1", "--campaign", "C", "--item", "food-kit", "--json")
        #expect(json.out.contains("\"code\":\"unknown_site\""))
    }

    @Test func aLogThatFindsNothingSaysSoAndABackwardStretchIsRefused() throws {
        try cli("demo")
        // A mistyped recipient id: nothing on stdout for a script, a word for the person at the terminal.
        let none = try cli("log", "--entity", "R-00002")
        #expect(none.status == 0)
        #expect(none.out.isEmpty)
        #expect(none.err == "no events match\n")
        #expect(try cli("log", "--entity", "R-00002", "--json").err.isEmpty)
        #expect(try cli("log", "--entity", "R-000002", "--limit", "1").out.hasPrefix("#"))
        let backward = try cli("log", "--from", "100", "--to", "50")
        #expect(backward.status == 3)
        #expect(backward.err == "error[invalid_field]: the log's stretch ends (#50) before it starts (#100)\n")
    }

    @Test func aUsageErrorExitsTwo() throws {
        let run = try cli("issue", "--no-such-option")
        #expect(run.status == 2)
        #expect(run.err.contains("Missing expected argument"))
    }

    @Test func aMissingLedgerIsAClearErrorWithExitFour() throws {
        let run = try cli("balance", "site", "X")
        #expect(run.status == 4)
        #expect(run.err.contains("error[no_ledger]"))
        #expect(!FileManager.default.fileExists(atPath: cli.data + "/events"))
    }

    @Test func theDemoLedgerVerifiesAndFailsAfterOneByteOfAnEventIsChanged() throws {
        #expect(try cli("demo").status == 0)
        let ok = try cli("verify")
        #expect(ok.status == 0)
        #expect(ok.out.hasPrefix("intact:"))
        let env = try Environment(path: cli.data + "/events", databases: ["log"])
        try env.write { txn in
            let key: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 42]
            var v = try txn.get(env.database("log"), key)!
            v[20] &+= 1
            try txn.put(env.database("log"), key, v)
        }
        let broken = try cli("verify")
        #expect(broken.status == 1)
        #expect(broken.out.contains("BROKEN at #42"))
        let json = try cli("verify", "--json")
        #expect(json.out.contains("\"first_bad_position\":42"))
    }

    @Test func aRealisticImportFileTwiceRecordsEverythingOnceAndNothingTheSecondTime() throws {
        try cli("init")
        let today = BusinessDate.today()
        let lines = DemoScenario(seed: 9, households: 40, today: today).commands().map(\.json.serialized)
        // As a spreadsheet would save it: a byte-order mark, Windows line endings, a blank line.
        let text = "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n\r\n"
        let file = cli.directory + "/commands.jsonl"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let first = try cli("import", file)
        #expect(first.status == 0, "\(first.out.suffix(2000))")
        #expect(first.out.contains("\(lines.count) lines: \(lines.count) recorded"))
        let head = try cli("verify").out
        let second = try cli("import", file)
        #expect(second.status == 0)
        #expect(second.out.contains("0 recorded (0 events), \(lines.count) already recorded, 0 rejected"))
        #expect(try cli("verify").out == head)
        // Seven lines per transaction: each batch is parsed while the one before is recorded, and a line that needs
        // an earlier one (an issuance to a household registered batches before) finds it recorded.
        let small = cli.directory + "/small"
        #expect(try cli.sh("aidledger init --data \(small)").status == 0)
        let batched = try cli.sh("aidledger import \(file) --batch 7 --data \(small)")
        #expect(batched.status == 0, "\(batched.out.suffix(2000))")
        #expect(batched.out.contains("\(lines.count) lines: \(lines.count) recorded"))
        for kind in ["campaign", "site", "donor"] {
            #expect(try cli.sh("aidledger balance \(kind) --json --data \(small)").out == cli("balance", kind, "--json").out)
        }
    }

    @Test func importReportsEachBadLineWithItsCodeAndKeepsTheGoodOnes() throws {
        try cli("init")
        let file = cli.directory + "/bad.jsonl"
        try """
        {"command":"donor.add","command-id":"d1","id":"CARITAS","name":"Caritas","kind":"charity"}
        {"command":"donor.add","command-id":"d2","id":"X/Y","name":"Bad","kind":"charity"}
        not json at all
        {"command":"donor.add","command-id":"d3","id":"CITY","name":"City","kind":"city_budget","amount":1e3}
        {"command":"donor.add","command-id":"d1","id":"CARITAS","name":"Caritas","kind":"charity"}

        """.write(toFile: file, atomically: true, encoding: .utf8)
        // A line a legacy system wrote in another encoding (0xFF is never UTF-8), then a good line.
        let handle = try #require(FileHandle(forWritingAtPath: file))
        handle.seekToEndOfFile()
        handle.write(Data([0x7B, 0xFF, 0x7D, 0x0A]) + Data(#"{"command":"donor.add","command-id":"d4","id":"UNICEF","name":"UNICEF","kind":"international"}"#.utf8))
        handle.closeFile()
        // Two commands per transaction: the lines are read and committed a batch at a time.
        let run = try cli("import", file, "--batch", "2")
        #expect(run.status == 3)
        #expect(run.out.contains("line 1: recorded #1"))
        #expect(run.out.contains("line 2: error[invalid_id]"))
        #expect(run.out.contains("line 3: error[invalid_json]"))
        #expect(run.out.contains("line 4: error[unknown_field]"))
        #expect(run.out.contains("line 5: already recorded #1"))
        #expect(run.out.contains("line 6: error[invalid_json]: line is not UTF-8 text"))
        #expect(run.out.contains("line 7: recorded #2"))
        #expect(run.out.contains("7 lines: 2 recorded (2 events), 1 already recorded, 4 rejected"))
    }
}

@Suite struct ImportExampleTests {
    let cli = CLI()

    @Test func theDocumentedExampleFileImportsOnceAndOnlyOnce() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/docs/examples/import.jsonl"
        try cli("init")
        let first = try cli("import", example)
        #expect(first.status == 0, "\(first.out)")
        #expect(first.out.contains("7 lines: 7 recorded (7 events)"))
        let second = try cli("import", example)
        #expect(second.out.contains("0 recorded (0 events), 7 already recorded"))
        #expect(try cli("balance", "site", "DP-CENTRE").out.contains("food-kit       99"))
    }
}
