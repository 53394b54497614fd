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
        for i in 0..<40 {
            group.enter()
            var request = URLRequest(url: URL(string: url + "api/commands")!)
            request.httpMethod = "POST"
            request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            request.httpBody = Data(#"{"command":"issue","command-id":"http-\#(i)","site":"WH-CENTRAL","recipient":"R-0000\#(10 + i % 20)","campaign":"WINTER","item":["winter-box"]}"#.utf8)
            URLSession.shared.dataTask(with: request) { _, response, _ in
                if (response as? HTTPURLResponse)?.statusCode == 201 { httpOK.add() }
                group.leave()
            }.resume()
        }
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
