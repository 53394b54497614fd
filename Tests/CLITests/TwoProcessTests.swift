import AidLedgerCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

@Suite struct TwoProcessTests {
    let cli = CLI()

    /// The command line writing while the server runs: LMDB's write lock serialises the two processes.
    @Test func theCommandLineAndTheServerWriteTheSameLedgerSafely() throws {
        #expect(try cli("demo", "--households", "30").status == 0)
        #expect(try cli("intake", "goods", "--site", "WH-CENTRAL", "--donor", "UNICEF", "--item", "winter-box", "--quantity", "500", "--document", "act 9").status == 0)
        let token = try cli("token", "create", "--role", "admin", "--name", "ops").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try cli.start(["serve", "--port", "0"])
        defer { server.terminate(); server.waitUntilExit() }
        let url = try cli.waitForURL(server)
        let before = try JSONValue.parse(try cli("verify", "--json").out)["records"]
        // Forty issuances over HTTP and forty from the command line, at the same time.
        let group = DispatchGroup()
        final class Count: @unchecked Sendable {  // guarded by its lock
            let lock = NSLock()
            var value = 0
            func add() { lock.lock(); value += 1; lock.unlock() }
        }
        let httpOK = Count()
        Self.issueBoxes(40, at: url, token: token, group) { if $0 == 201 { httpOK.add() } }
        var cliOK = 0
        for i in 0..<40 {
            let run = try cli("issue", "--site", "WH-CENTRAL", "--recipient", String(format: "R-0000%02d", 10 + i % 20), "--campaign", "WINTER",
                              "--item", "winter-box", "--command-id", "cli-\(i)")
            if run.status == 0 { cliOK += 1 }
        }
        group.wait()
        #expect(httpOK.value == 40)
        #expect(cliOK == 40)
        guard case .number(let b)? = before, case .number(let a)? = try JSONValue.parse(try cli("verify", "--json").out)["records"] else {
            Issue.record("no record counts")
            return
        }
        #expect(Int(a)! == Int(b)! + 80)
        #expect(try cli("rebuild", "--check").status == 0)
        #expect(try cli("reconcile").status == 0)
    }

    /// The operator backs up the ledger while the counter keeps issuing: the copy verifies, is the history exactly up
    /// to one record, and, restored with the keys' backup beside it, opens the recipients' personal data again.
    @Test func aBackupTakenWhileTheServerIssuesIsWholeAndRestoresWithTheKeys() throws {
        #expect(try cli("demo", "--households", "30").status == 0)
        #expect(try cli("recipient", "register", "--id", "H-NAMED", "--kind", "household", "--size", "3", "--category", "idp", "--area", "urban",
                        "--settlement", "Kalush", "--name", "Олена Коваль", "--document", "passport:AB123456").status == 0)
        #expect(try cli("intake", "goods", "--site", "WH-CENTRAL", "--donor", "UNICEF", "--item", "winter-box", "--quantity", "500", "--document", "act 9").status == 0)
        let token = try cli("token", "create", "--role", "admin", "--name", "ops").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try cli.start(["serve", "--port", "0"])
        defer { server.terminate(); server.waitUntilExit() }
        let url = try cli.waitForURL(server)
        let group = DispatchGroup()
        Self.issueBoxes(60, at: url, token: token, group, overrideReason: "two boxes") { _ in }
        let (copy, keys) = (cli.directory + "/backup", cli.directory + "/backup-keys")
        let run = try cli("backup", "--to", copy, "--keys-to", keys, "--json")
        group.wait()
        #expect(run.status == 0, "\(run.err)")
        let report = try JSONValue.parse(run.out)
        guard case .number(let records)? = report["records"], let head = report["head_hash"]?.stringValue else { Issue.record("no report: \(run.out)"); return }
        // The copy's head is the live ledger's record at that position: a whole prefix of the history.
        let live = try JSONValue.parse(try cli("log", "--from", records, "--to", records, "--json").out)
        #expect(live["hash"]?.stringValue == head)
        #expect(try cli.sh("aidledger verify --data \(copy)").out.contains("intact: \(records) records, head \(head)"))
        #expect(try cli.sh("aidledger rebuild --check --data \(copy)").status == 0)
        // The data's backup alone opens no one's personal data.
        #expect(!(try cli.sh("aidledger recipient show H-NAMED --data \(copy)")).out.contains("Олена Коваль"))
        // Restored into a new directory, with the keys' backup.
        let restored = cli.directory + "/restored"
        let restore = try cli.sh("aidledger restore --from \(copy) --keys-from \(keys) --data \(restored)")
        #expect(restore.status == 0 && restore.out.contains("restored \(records) records"), "\(restore.out)\n\(restore.err)")
        #expect(try cli.sh("aidledger restore --from \(copy) --keys-from \(keys) --data \(restored)").err.contains("not empty"))
        let shown = try cli.sh("aidledger recipient show H-NAMED --data \(restored)")
        #expect(shown.out.contains("Олена Коваль"), "\(shown.out)\n\(shown.err)")
        #expect(try cli.sh("aidledger recipient find --document passport:AB123456 --data \(restored)").out.contains("H-NAMED"))
        // Another ledger's keys do not open this one's personal data: the restore says so.
        let other = CLI()
        #expect(try other("init").status == 0)
        let otherKeys = other.directory + "/keys-backup"
        #expect(try other("backup", "--to", other.directory + "/backup", "--keys-to", otherKeys).status == 0)
        let wrong = try cli.sh("aidledger restore --from \(copy) --keys-from \(otherKeys) --data \(cli.directory)/wrong")
        #expect(wrong.status == 4 && wrong.err.contains("error[key_missing]") && wrong.err.contains("H-NAMED"), "\(wrong.err)")
        // A backup never goes over another.
        let again = try cli("backup", "--to", copy)
        #expect(again.status == 3 && again.err.contains("not empty"))
    }

    /// Sends `count` issuances of a winter box over HTTP at once (to R-000010…R-000029 in turn), each answer's status to
    /// `answered`; `group` is left when each is answered.
    static func issueBoxes(
        _ count: Int, at url: String, token: String, _ group: DispatchGroup, overrideReason: String? = nil, answered: @escaping @Sendable (Int?) -> Void
    ) {
        let extra = overrideReason.map { #","override-reason":"\#($0)""# } ?? ""
        for i in 0..<count {
            group.enter()
            var request = URLRequest(url: URL(string: url + "api/commands")!)
            request.httpMethod = "POST"
            request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            request.httpBody = Data(#"{"command":"issue","command-id":"http-\#(i)","site":"WH-CENTRAL","recipient":"R-0000\#(10 + i % 20)","campaign":"WINTER","item":["winter-box"]\#(extra)}"#.utf8)
            URLSession.shared.dataTask(with: request) { _, response, _ in
                answered((response as? HTTPURLResponse)?.statusCode)
                group.leave()
            }.resume()
        }
    }

    /// A reader killed while it held a read transaction leaves a stale slot; opening the ledger clears it.
    @Test func aReaderKilledInsideAReadTransactionIsCleared() throws {
        #expect(try cli("demo", "--households", "10").status == 0)
        let source = cli.directory + "/reader.c"
        try """
        #include <lmdb.h>
        #include <stdio.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            MDB_env *env; MDB_txn *txn;
            mdb_env_create(&env); mdb_env_set_maxdbs(env, 32);
            if (mdb_env_open(env, argv[1], MDB_NOTLS | MDB_RDONLY, 0600)) return 1;
            if (mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) return 2;
            printf("reading\\n"); fflush(stdout);
            sleep(600);
            return 0;
        }
        """.write(toFile: source, atomically: true, encoding: .utf8)
        #expect(try cli.shell(["/usr/bin/gcc", "-o", cli.directory + "/reader", source, "-llmdb"]).status == 0)
        // The server keeps the environment open, so the reader table outlives the reader.
        let server = try cli.start(["serve", "--port", "0"])
        defer { server.terminate(); server.waitUntilExit() }
        _ = try cli.waitForURL(server)
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: cli.directory + "/reader")
        reader.arguments = [cli.data + "/events"]
        let out = Pipe()
        reader.standardOutput = out
        try reader.run()
        _ = out.fileHandleForReading.availableData  // "reading": the transaction is open
        let pid = String(reader.processIdentifier)
        kill(reader.processIdentifier, SIGKILL)
        reader.waitUntilExit()
        let stale = try cli.shell(["/usr/bin/mdb_stat", "-r", cli.data + "/events"]).out
        #expect(stale.contains(pid), "the dead reader's slot should be there: \(stale)")
        // The writer goes on, and opening the ledger cleared the dead reader's slot.
        #expect(try cli("issue", "--site", "WH-CENTRAL", "--recipient", "R-000003", "--campaign", "WINTER", "--item", "winter-box").status == 0)
        let after = try cli.shell(["/usr/bin/mdb_stat", "-r", cli.data + "/events"]).out
        #expect(!after.contains(" \(pid) "), "\(after)")
    }
}
