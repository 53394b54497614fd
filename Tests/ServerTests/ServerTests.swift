import AidLedgerCore
import AidLedgerServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A ledger with a small programme and one token per role, and the service on a real loopback port.
final class ServerFixture: @unchecked Sendable {
    let directory = NSTemporaryDirectory() + "aidledger-server-" + UUID().uuidString
    let ledger: Ledger
    var tokens: [Role: String] = [:]
    let server: CounterServer
    let logs = LogCapture()

    init() throws {
        ledger = try Ledger(directory: directory, create: true)
        let inputs = DemoScenario(seed: 11, households: 20).commands()
        for result in try ledger.submit(try inputs.map { try Command.parse($0, actor: "setup") }) { _ = try result.get() }
        for role in Role.allCases { tokens[role] = try ledger.createToken(name: "\(role.rawValue)-1", role: role) }
        let capture = logs
        server = CounterServer(ledger: ledger, logger: Logger(label: "test") { _ in capture })
    }

    deinit {
        ledger.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func live(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: server.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Logger(label: "test") { _ in logs })
        try await app.test(.live) { client in try await body(client) }
    }

    func headers(_ role: Role?) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = "application/json"
        if let role { h[.authorization] = "Bearer " + tokens[role]! }
        return h
    }
}

/// Keeps every log line, to check that none carries personal data.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) {
        lock.lock()
        lines.append("\(event.message) \(event.metadata ?? [:]) \(metadata)")
        lock.unlock()
    }
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }
}

func body(_ response: TestResponse) -> String { String(buffer: response.body) }

func json(_ response: TestResponse) throws -> JSONValue { try JSONValue.parse(String(buffer: response.body)) }

@Suite struct ServerTests {
    let f: ServerFixture

    init() throws { f = try ServerFixture() }

    static func issue(_ id: String, recipient: String, quantity: Int = 1, item: String = "food-kit") -> ByteBuffer {
        ByteBuffer(string: """
        {"command":"issue","command-id":"\(id)","site":"DP-CENTRE","recipient":"\(recipient)","campaign":"WINTER","item":["\(item):\(quantity)"],"override-reason":"test"}
        """)
    }

    @Test func withoutATokenTheAnswerIs401AndSaysWhatIsMissing() async throws {
        try await f.live { client in
            let r = try await client.execute(uri: "/api/balance/site/DP-CENTRE", method: .get)
            #expect(r.status == .unauthorized)
            #expect(body(r).contains("\"code\":\"unauthorized\""))
            #expect(body(r).contains("Authorization: Bearer"))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func eachRoleDoesOnlyItsOwnWork() async throws {
        try await f.live { client in
            let donor = ByteBuffer(string: #"{"command":"donor.add","command-id":"d-9","id":"NEW","name":"New","kind":"business"}"#)
            let w = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: donor)
            #expect(w.status == .forbidden)
            #expect(body(w).contains("\"code\":\"forbidden\""))
            let a = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.accountant), body: donor)
            #expect(a.status == .created)
            #expect(body(a).contains("\"actor\":\"accountant-1\""))
            // The donor joins a running campaign: the accountant's work, not the counter's.
            let join = ByteBuffer(string: #"{"command":"campaign.update","command-id":"c-9","id":"WINTER","donor":["NEW"]}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: join).status == .forbidden)
            let joined = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.accountant), body: join)
            #expect(joined.status == .created)
            #expect(body(joined).contains("\"added_donors\":[\"NEW\"]"))
            let auditor = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.auditor), body: Self.issue("x-1", recipient: "R-000001"))
            #expect(auditor.status == .forbidden)
            #expect(try await client.execute(uri: "/api/report?from=2014-01-01&to=2099-12-31", method: .get, headers: f.headers(.auditor)).status == .ok)
            #expect(try await client.execute(uri: "/api/report?from=2014-01-01&to=2099-12-31", method: .get, headers: f.headers(.warehouse)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/tokens", method: .get, headers: f.headers(.accountant)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/tokens", method: .get, headers: f.headers(.admin)).status == .ok)
        }
    }

    /// An accountant holds a report sent at one position and asks what changed it since: the same report then, and
    /// the issuance recorded after it.
    @Test func aReportSentEarlierSaysWhatChangedItSince() async throws {
        let sent = try f.ledger.head().position
        try await f.live { client in
            let late = ByteBuffer(string: #"{"command":"issue","command-id":"late-1","site":"DP-CENTRE","recipient":"R-000003","campaign":"WINTER","item":["hygiene-set"],"override-reason":"paper list"}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: late).status == .created)
            let r = try await client.execute(uri: "/api/report?from=2014-01-01&to=2099-12-31&since=\(sent)", method: .get, headers: f.headers(.accountant))
            #expect(r.status == .ok)
            let json = try JSONValue.parse(String(buffer: r.body))
            guard case .object(let changed)? = json["changed_since"], case .array(let added)? = changed.first(where: { $0.0 == "added" })?.1 else {
                Issue.record("no changed_since in \(json)")
                return
            }
            #expect(added.compactMap { $0["position"] } == [.number(String(sent + 1))])
            #expect(changed.first { $0.0 == "then" }?.1["through_position"] == .number(String(sent)))
            let bad = try await client.execute(uri: "/api/report?from=2014-01-01&to=2099-12-31&since=later", method: .get, headers: f.headers(.accountant))
            #expect(bad.status == .badRequest)
        }
    }

    @Test func aRetryWithTheSameCommandIdReturnsTheFirstOutcome() async throws {
        try await f.live { client in
            let first = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: Self.issue("tablet-1", recipient: "R-000002"))
            #expect(first.status == .created)
            let again = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: Self.issue("tablet-1", recipient: "R-000002"))
            #expect(again.status == .ok)
            #expect(try json(again)["positions"] == json(first)["positions"])
            #expect(try json(again)["status"] == .string("duplicate"))
        }
    }

    @Test func rejectionsCarryTheSameCodesAsTheCommandLine() async throws {
        try await f.live { client in
            let r = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: Self.issue("big-1", recipient: "R-000003", quantity: 100_000))
            #expect(r.status == .unprocessableContent)
            #expect(body(r).contains("\"code\":\"insufficient_stock\""))
            let bad = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: ByteBuffer(string: "{not json"))
            #expect(bad.status == .badRequest)
            #expect(body(bad).contains("\"code\":\"invalid_json\""))
            let huge = ByteBuffer(string: "{\"command\":\"issue\",\"note\":\"" + String(repeating: "x", count: 100_000) + "\"}")
            let big = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: huge)
            #expect(big.status == .contentTooLarge)
            #expect(body(big).contains("\"code\":\"request_too_large\""))
        }
    }

    @Test func sixtyFourConcurrentIssuancesAreGroupCommittedAndEachFailureFailsAlone() async throws {
        let before = try f.ledger.head().position
        try await f.live { client in
            try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                for i in 0..<64 {
                    group.addTask {
                        // Every eighth asks for more than there is, and must fail alone.
                        let r = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse),
                                                         body: Self.issue("burst-\(i)", recipient: "R-0000\(10 + i % 10)", quantity: i % 8 == 0 ? 100_000 : 1, item: "hygiene-set"))
                        return (i, r.status)
                    }
                }
                for try await (i, status) in group {
                    #expect(status == (i % 8 == 0 ? .unprocessableContent : .created), "request \(i)")
                }
            }
            let metrics = body(try await client.execute(uri: "/metrics", method: .get))
            #expect(metrics.contains("aidledger_events_appended_total 56"))
            #expect(metrics.contains("aidledger_commands_rejected_total{code=\"insufficient_stock\"} 8"))
            #expect(metrics.contains("aidledger_batch_size_count"))
        }
        #expect(try f.ledger.head().position == before + 56)
        #expect(try f.ledger.verify().isIntact)
        #expect(try f.ledger.reconcile().isBalanced)
    }

    @Test func auditorsAskingForPastBooksWhileTheCounterIssuesGetTheSameAnswersAsAfterwards() async throws {
        // Each past point is replayed (its records read and decoded on another thread) while the writer commits.
        let head = try f.ledger.head().position
        let points = (0..<6).map { head - UInt64($0) * 7 }
        final class Answers: @unchecked Sendable {  // filled by one task, read after it ends
            var byPoint: [UInt64: String] = [:]
        }
        let asked = Answers()
        try await f.live { client in
            try await withThrowingTaskGroup(of: (UInt64?, String).self) { group in
                for i in 0..<32 {
                    group.addTask {
                        let r = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse),
                                                         body: Self.issue("during-\(i)", recipient: "R-0000\(10 + i % 10)", item: "hygiene-set"))
                        return (nil, "\(r.status.code)")
                    }
                }
                for point in points {
                    group.addTask {
                        let r = try await client.execute(uri: "/api/balance/campaign/WINTER?at=\(point)", method: .get, headers: f.headers(.auditor))
                        #expect(r.status == .ok, "at \(point): \(body(r))")
                        return (point, body(r))
                    }
                }
                for try await (point, answer) in group {
                    if let point { asked.byPoint[point] = answer } else { #expect(answer == "201") }
                }
            }
        }
        #expect(try f.ledger.head().position == head + 32)
        #expect(try f.ledger.verify().isIntact)
        #expect(try f.ledger.projectionDifferences() == [])
        // The same questions asked again, on a quiet ledger, of a new process's replays.
        for name in try FileManager.default.contentsOfDirectory(atPath: f.directory) where name.hasPrefix("asof-") {
            try FileManager.default.removeItem(atPath: f.directory + "/" + name)
        }
        for point in points {
            let again = try f.ledger.campaignBalance("WINTER", as: .position(point)).json
            #expect(try JSONValue.parse(asked.byPoint[point] ?? "") == again, "at \(point)")
        }
    }

    @Test func aWarehouseWorkerMayVoidOnlyTheirOwnIssuance() async throws {
        try await f.live { client in
            let mine = try json(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: Self.issue("own-1", recipient: "R-000004")))
            let theirs = try json(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.admin), body: Self.issue("adm-1", recipient: "R-000005")))
            guard case .array(let p1)? = mine["positions"], case .number(let own)? = p1.first,
                  case .array(let p2)? = theirs["positions"], case .number(let other)? = p2.first else { Issue.record("no positions"); return }
            let voidOther = ByteBuffer(string: #"{"command":"void","command-id":"v-1","position":"\#(other)","reason":"mistake"}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: voidOther).status == .forbidden)
            let voidOwn = ByteBuffer(string: #"{"command":"void","command-id":"v-2","position":"\#(own)","reason":"wrong household"}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: voidOwn).status == .created)
        }
    }

    @Test func findingByDocumentWorksAndNoDocumentNumberReachesTheLogs() async throws {
        try await f.live { client in
            let register = ByteBuffer(string: #"{"command":"recipient.register","command-id":"reg-1","id":"R-777","kind":"household","size":"3","category":"idp","area":"urban","settlement":"Kalush","document":["passport:KX987654"]}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: register).status == .created)
            let found = try await client.execute(uri: "/api/recipients/find?document=passport:KX987654", method: .get, headers: f.headers(.warehouse))
            #expect(body(found).contains("R-777"))
            let auditor = try await client.execute(uri: "/api/recipients/find?document=passport:KX987654", method: .get, headers: f.headers(.auditor))
            #expect(auditor.status == .forbidden)
        }
        #expect(f.logs.text.contains("/api/recipients/find"))
        #expect(!f.logs.text.contains("KX987654"))
    }

    @Test func personalDataReachesTheCounterButNeverAnAuditor() async throws {
        try await f.live { client in
            let register = ByteBuffer(string: #"{"command":"recipient.register","command-id":"reg-p","id":"R-888","kind":"individual","category":"older_alone","area":"rural","settlement":"Kropyvnyk","name":"Галина Мельник","phone":"+380671234567","document":["tax_number:2233445566"]}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: register).status == .created)
            let counter = body(try await client.execute(uri: "/api/balance/recipient/R-888", method: .get, headers: f.headers(.warehouse)))
            #expect(counter.contains("Галина Мельник"))
            for role in [Role.auditor, .accountant] {
                let card = try await client.execute(uri: "/api/balance/recipient/R-888", method: .get, headers: f.headers(role))
                #expect(card.status == .ok)
                #expect(!body(card).contains("Галина"))
                #expect(!body(card).contains("\"personal\""))
            }
            let export = body(try await client.execute(uri: "/api/export?format=jsonl", method: .get, headers: f.headers(.auditor)))
            #expect(!export.contains("Галина") && !export.contains("2233445566") && !export.contains("380671234567"))
            // Erasure is the admin's, over HTTP too.
            let erase = ByteBuffer(string: #"{"command":"recipient.erase","command-id":"erase-1","id":"R-888","reason":"request"}"#)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: erase).status == .forbidden)
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.admin), body: erase).status == .created)
            let after = body(try await client.execute(uri: "/api/balance/recipient/R-888", method: .get, headers: f.headers(.admin)))
            #expect(after.contains("\"erased\":true"))
            #expect(!after.contains("Галина"))
        }
        #expect(!f.logs.text.contains("Галина") && !f.logs.text.contains("2233445566"))
    }

    @Test func anExportIsSentInPiecesAsTheClientReadsAndEqualsTheLedgersExport() async throws {
        try await f.live { client in
            for format in ExportFormat.allCases {
                var expected = ""
                try f.ledger.export(format) { expected += $0 }
                let response = try await client.execute(uri: "/api/export?format=\(format.rawValue)", method: .get, headers: f.headers(.accountant))
                #expect(response.status == .ok)
                #expect(response.headers[.transferEncoding] == "chunked", "an export is streamed, not gathered first")
                #expect(response.headers[.contentType] == format.contentType)
                #expect(body(response) == expected)
            }
            let wrong = try await client.execute(uri: "/api/export?format=pdf", method: .get, headers: f.headers(.accountant))
            #expect(wrong.status == .unprocessableContent)
            #expect(body(wrong).contains("invalid_field"))
        }
    }

    @Test func theOpenAPIDocumentListsExactlyTheRoutesTheServiceAnswers() async throws {
        try await f.live { client in
            let yaml = body(try await client.execute(uri: "/openapi.yaml", method: .get))
            Self.compare(yaml, f.server.routes.map { "\($0.method) \($0.path)" })
        }
    }

    static func compare(_ yaml: String, _ routes: [String]) {
        var documented = Set<String>()
        var path = ""
        for line in yaml.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()) }
            else if let m = ["get", "post", "delete", "put", "patch"].first(where: { line == "    \($0):" }), !path.isEmpty { documented.insert("\(m) \(path)") }
            else if !line.hasPrefix(" ") { path = "" }
        }
        let served = Set(routes)
        #expect(documented == served, "documented but not served: \(documented.subtracting(served)); served but not documented: \(served.subtracting(documented))")
    }
}
