import AidLedgerCore
import Foundation
import LMDBStore
import Testing

/// Recipients' personal data: never in plaintext at rest, in exports or in logs; erasable without breaking the books.
@Suite struct PrivacyTests {
    let cli = CLI()
    static let secrets = ["Оксана Коваленко", "Kovalenko", "Марко", "+380501112233", "Шевченка", "KX123456", "0312-5551234", "1984-05-12"]

    init() throws {
        let demo = try cli("demo", "--households", "20")
        precondition(demo.status == 0)
        let run = try cli("recipient", "register", "--id", "R-PRIV-1", "--kind", "household", "--size", "3", "--category", "idp", "--area", "urban",
                          "--settlement", "Lutsk", "--name", "Оксана Коваленко (Kovalenko)", "--birth-date", "1984-05-12", "--phone", "+380501112233",
                          "--address", "вул. Шевченка 5, Луцьк", "--member", "Марко Коваленко|2015-09-01|son",
                          "--document", "passport:KX123456", "--document", "idp_certificate:0312-5551234")
        precondition(run.status == 0, run.err)
        let issue = try cli("issue", "--site", "DP-CENTRE", "--recipient", "R-PRIV-1", "--campaign", "WINTER", "--item", "food-kit")
        precondition(issue.status == 0, issue.err)
    }

    /// Every file under the data directory, and every export, searched byte for byte.
    func leaks() throws -> [String] {
        var found: [String] = []
        var texts: [(String, Data)] = []
        let files = FileManager.default.enumerator(atPath: cli.data)!.compactMap { $0 as? String }
        for f in files {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: cli.data + "/" + f, isDirectory: &isDir), !isDir.boolValue {
                texts.append((f, try Data(contentsOf: URL(fileURLWithPath: cli.data + "/" + f))))
            }
        }
        for format in ["jsonl", "csv", "hledger"] { texts.append(("export \(format)", Data(try cli("export", "--format", format).out.utf8))) }
        texts.append(("report", Data(try cli("report", "--from", "2014-01-01", "--to", "2099-12-31", "--format", "json").out.utf8)))
        texts.append(("log", Data(try cli("log", "--json").out.utf8)))
        for (name, data) in texts {
            for secret in Self.secrets where data.range(of: Data(secret.utf8)) != nil { found.append("\(secret) in \(name)") }
        }
        return found
    }

    @Test func noNameOrDocumentNumberIsStoredOrExportedInPlaintext() throws {
        let found = try leaks()
        #expect(found.isEmpty, "\(found)")
        // Yet the counter can open them, and find the person by a document.
        let card = try cli("recipient", "show", "R-PRIV-1").out
        #expect(card.contains("Оксана Коваленко"))
        #expect(card.contains("Марко Коваленко"))
        #expect(try cli("recipient", "find", "--document", "passport:kx 123456").out.contains("R-PRIV-1"))
    }

    @Test func aSecondRegistrationOfTheSamePersonAtAnotherCounterIsFound() throws {
        let run = try cli.sh("AIDLEDGER_ACTOR=village-counter aidledger recipient register --id R-PRIV-2 --kind individual --category idp --area rural --settlement Kropyvnyk --document 'idp_certificate:0312 5551234'")
        #expect(run.status == 3)
        #expect(run.err.contains("error[duplicate_document]"))
        #expect(run.err.contains("R-PRIV-1"))
    }

    @Test func erasureLeavesTheBooksWholeAndTheDataUnrecoverable() throws {
        let report = try cli("report", "--from", "2014-01-01", "--to", "2099-12-31", "--format", "json").out
        let donors = try cli("balance", "donor", "--json").out
        // The wrapped data key, as it lies in the key store before the erasure.
        let wrapped: [UInt8] = try {
            let env = try Environment(path: cli.data + "/keys", databases: ["keys", "meta"])
            return try env.read { txn in try txn.get(env.database("keys"), Array("R-PRIV-1".utf8)) }!
        }()
        #expect(try cli("recipient", "erase", "R-PRIV-1", "--reason", "the person's request of 2026-11-20").status == 0)
        // The books: unchanged totals, the chain whole, the reconciliation clean.
        // The same figures; only the last record counted is later (the erasure's own).
        let figures = { (json: String) in json.replacingOccurrences(of: #""through_position":\d+,"#, with: "", options: .regularExpression) }
        let after = try cli("report", "--from", "2014-01-01", "--to", "2099-12-31", "--format", "json").out
        #expect(figures(after) == figures(report) && after != report)
        #expect(try cli("balance", "donor", "--json").out == donors)
        #expect(try cli("verify").status == 0)
        #expect(try cli("reconcile").status == 0)
        #expect(try cli("rebuild", "--check").status == 0)
        // The data: the card says erased, the key is gone from the key store's file, nothing leaks anywhere.
        let card = try cli("recipient", "show", "R-PRIV-1")
        #expect(card.out.contains("erased"))
        #expect(!card.out.contains("Оксана"))
        let keyFile = try Data(contentsOf: URL(fileURLWithPath: cli.data + "/keys/data.mdb"))
        #expect(keyFile.range(of: Data(wrapped)) == nil)
        #expect(try leaks().isEmpty)
        // The person may be registered anew: erasure took them out of the document index.
        #expect(try cli("recipient", "register", "--id", "R-PRIV-3", "--kind", "individual", "--category", "idp", "--area", "urban", "--settlement", "Lutsk",
                        "--document", "passport:KX123456").status == 0)
    }

    @Test func aLostOrWrongMasterKeyIsAClearErrorAndTheRestOfTheLedgerWorks() throws {
        try FileManager.default.moveItem(atPath: cli.data + "/master.key", toPath: cli.directory + "/master.key.backup")
        #expect(try cli("verify").status == 0)
        #expect(try cli("reconcile").status == 0)
        #expect(try cli("report", "--from", "2014-01-01", "--to", "2099-12-31").status == 0)
        #expect(try cli("balance", "recipient", "R-PRIV-1").status == 0)
        let show = try cli("recipient", "show", "R-PRIV-1")
        #expect(show.out.contains("master key"))
        let head = try cli("verify").out
        let register = try cli("recipient", "register", "--id", "R-PRIV-4", "--kind", "individual", "--category", "idp", "--area", "urban", "--settlement", "Lutsk", "--name", "Test Person")
        #expect(register.status == 4)
        #expect(register.err.contains("error[key_missing]"))
        #expect(try cli("verify").out == head)
        // A wrong key: refused for personal data, writes nothing.
        let wrong = try cli.sh("AIDLEDGER_MASTER_KEY=\(String(repeating: "ab", count: 32)) aidledger recipient show R-PRIV-1")
        #expect(wrong.out.contains("does not fit"))
        // The right key back: everything opens again.
        try FileManager.default.moveItem(atPath: cli.directory + "/master.key.backup", toPath: cli.data + "/master.key")
        #expect(try cli("recipient", "show", "R-PRIV-1").out.contains("Оксана Коваленко"))
    }

    @Test func rotatingTheMasterKeyKeepsEveryRecipientReadable() throws {
        let newKey = cli.directory + "/new-master.key"
        #expect(try cli("keys", "rotate", "--new-key-file", newKey).status == 0)
        #expect(try cli("recipient", "show", "R-PRIV-1").out.contains("master key"))  // the old key no longer fits
        let run = try cli.sh("AIDLEDGER_MASTER_KEY_FILE=\(newKey) aidledger recipient show R-PRIV-1")
        #expect(run.out.contains("Оксана Коваленко"))
    }
}
