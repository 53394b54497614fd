import AidLedgerCore
import AidLedgerServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every endpoint for every role, the same household from many tablets at once, and hostile requests.
@Suite struct ServerContractTests {
    let f: ServerFixture

    init() throws { f = try ServerFixture() }

    /// Who may call what (from docs and openapi.yaml): the roles allowed for each route; nil means open to all.
    static let allowed: [String: Set<Role>?] = [
        "get /": nil, "get /openapi.yaml": nil, "get /health": nil, "get /ready": nil, "get /metrics": nil,
        "get /api/me": Set(Role.allCases),
        "post /api/commands": [.warehouse, .admin],  // for the void sent here; each verb has its roles (Role.mayRun)
        "get /api/registry/{kind}": Set(Role.allCases),
        "get /api/balance/{kind}/{id}": Set(Role.allCases),
        "get /api/recipients/find": [.warehouse, .admin],
        "get /api/log": [.accountant, .auditor, .admin],
        "get /api/report": [.accountant, .auditor, .admin],
        "get /api/reconcile": [.accountant, .auditor, .admin],
        "get /api/sample": [.accountant, .auditor, .admin],
        "get /api/verify": [.accountant, .auditor, .admin],
        "get /api/export": [.accountant, .auditor, .admin],
        "post /api/import": [.accountant, .warehouse, .admin],
        "post /api/checkpoint": [.admin],
        "get /api/projections/check": [.accountant, .auditor, .admin],
        "get /api/tokens": [.admin],
        "post /api/tokens": [.admin],
        "delete /api/tokens/{name}": [.admin],
    ]

    static func uri(_ path: String) -> String {
        path.replacingOccurrences(of: "{kind}/{id}", with: "site/DP-CENTRE").replacingOccurrences(of: "{kind}", with: "site")
            .replacingOccurrences(of: "{name}", with: "nobody") + (path.hasSuffix("find") ? "?document=passport:AB000000" : path.hasSuffix("report") ? "?from=2026-01-01&to=2026-12-31"
            : path.hasSuffix("sample") ? "?from=2014-01-01&to=2099-12-31&seed=audit&size=3" : "")
    }

    @Test func everyEndpointAnswersEveryRoleAsDocumented() async throws {
        #expect(Set(f.server.routes.map { "\($0.method) \($0.path)" }) == Set(Self.allowed.keys))
        try await f.live { client in
            for route in f.server.routes {
                let key = "\(route.method) \(route.path)"
                let method: HTTPRequest.Method = route.method == "post" ? .post : route.method == "delete" ? .delete : .get
                let payload = route.path == "/api/import" ? ByteBuffer(string: #"{"command":"donor.add","command-id":"imp-\#(UUID().uuidString.prefix(8))","id":"X\#(UUID().uuidString.prefix(6))","name":"X","kind":"charity"}"#)
                    : route.path == "/api/tokens" ? ByteBuffer(string: #"{"name":"t-\#(UUID().uuidString.prefix(8))","role":"auditor"}"#)
                    : route.path == "/api/commands" ? ByteBuffer(string: #"{"command":"void","command-id":"v-\#(UUID().uuidString.prefix(8))","position":"999999","reason":"x"}"#) : nil
                for role in [nil] + Role.allCases.map(Optional.some) {
                    let r = try await client.execute(uri: Self.uri(route.path), method: method, headers: f.headers(role), body: payload)
                    let expected = Self.allowed[key]!
                    if expected == nil {
                        #expect(r.status == .ok, "\(key) open to all, got \(r.status)")
                    } else if role == nil {
                        #expect(r.status == .unauthorized, "\(key) without a token gave \(r.status)")
                    } else if !expected!.contains(role!) {
                        #expect(r.status == .forbidden, "\(key) as \(role!) gave \(r.status)")
                        #expect(body(r).contains("\"code\":\"forbidden\""))
                    } else {
                        #expect(r.status != .unauthorized && r.status != .forbidden, "\(key) as \(role!) gave \(r.status)")
                        if route.path == "/api/sample" { #expect(r.status == .ok && body(r).contains("\"population\":"), "\(key) as \(role!): \(body(r))") }
                    }
                    if r.status.code >= 400 { #expect(body(r).contains("\"code\":"), "\(key): an error without a code") }
                }
            }
        }
    }

    @Test func anImportOverHTTPRecordsEachAllowedLineOnceAndRefusesTheRest() async throws {
        let file = """
        {"command":"donor.add","command-id":"i-1","id":"NEW-D","name":"New donor","kind":"business"}
        {"command":"issue","command-id":"i-2","site":"DP-CENTRE","recipient":"R-000020","campaign":"WINTER","item":["winter-box"]}
        not json
        """
        try await f.live { client in
            let r = try await client.execute(uri: "/api/import", method: .post, headers: f.headers(.accountant), body: ByteBuffer(string: file))
            #expect(r.status == .ok)
            let text = body(r)
            #expect(text.contains("\"recorded\":1"))
            #expect(text.contains("\"rejected\":2"))
            #expect(text.contains("may not run issue"))
            #expect(text.contains("invalid_json"))
            let again = body(try await client.execute(uri: "/api/import", method: .post, headers: f.headers(.accountant), body: ByteBuffer(string: file)))
            #expect(again.contains("\"already_recorded\":1"))
            let signed = try await client.execute(uri: "/api/checkpoint", method: .post, headers: f.headers(.admin))
            #expect(signed.status == .created)
            #expect(body(try await client.execute(uri: "/api/projections/check", method: .get, headers: f.headers(.auditor))).contains("\"agree\":true"))
            #expect(body(try await client.execute(uri: "/api/verify", method: .get, headers: f.headers(.auditor))).contains("\"checkpoints\":1"))
        }
    }

    @Test func manyTabletsIssuingToTheSameHouseholdInsideItsWindowIssueExactlyOnce() async throws {
        let before = try f.ledger.head().position
        try await f.live { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<32 {
                    group.addTask {
                        let body = ByteBuffer(string: #"{"command":"issue","command-id":"tablet-\#(i)","site":"DP-CENTRE","recipient":"R-000019","campaign":"WINTER","item":["food-kit"]}"#)
                        return try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.warehouse), body: body).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1)
            #expect(statuses.filter { $0 == .unprocessableContent }.count == 31)
        }
        #expect(try f.ledger.head().position == before + 1)
    }

    @Test func hostileRequestsGetA4xxWithACodeAndWriteNothing() async throws {
        let before = try f.ledger.head()
        let bodies = [
            #"{"command":"issue""#,
            #"[1,2,3]"#,
            #"{"command":5}"#,
            #"{"command":"issue","command-id":"h1","site":"DP-CENTRE","recipient":"R-000001","campaign":"WINTER","item":{"a":1}}"#,
            #"{"command":"issue","command-id":"h2","site":"DP-CENTRE","recipient":"R-000001","campaign":"WINTER","item":["food-kit"],"colour":"red"}"#,
            #"{"command":"issue","command-id":"h3","site":"DP-CENTRE","recipient":"R-000001","campaign":"WINTER","item":["food-kit:99999999999999999999"]}"#,
            #"{"command":"intake.cash","command-id":"h4","donor":"CITY","campaign":"CASH-AID","amount":1e308,"document":"x"}"#,
            #"{"command":"issue","command-id":"h5","site":"../etc/passwd","recipient":"R-000001","campaign":"WINTER","item":["food-kit"]}"#,
            #"{"command":"issue","command-id":"h6","site":"DP-CENTRE","recipient":"R-0\u0000001","campaign":"WINTER","item":["food-kit"]}"#,
            #"{"command":"issue","command-id":"h/7","site":"DP-CENTRE","recipient":"R-000001","campaign":"WINTER","item":["food-kit"]}"#,
            #"{"command":"drop.table","command-id":"h8"}"#,
            #"{"command":"grant","command-id":"h9","recipient":"R-000001","campaign":"CASH-AID","amount":"99999999999999999.99","channel":"cash_desk","reference":"x"}"#,
        ]
        try await f.live { client in
            for b in bodies {
                let r = try await client.execute(uri: "/api/commands", method: .post, headers: f.headers(.admin), body: ByteBuffer(string: b))
                #expect((400..<500).contains(r.status.code), "\(b) gave \(r.status)")
                #expect(body(r).contains("\"code\":"), "\(b): \(body(r))")
            }
            // Points in history that cannot be: an answer with a code, never an empty 500.
            for uri in [
                "/api/balance/donor/CARITAS?as_of=2026-13-40", "/api/balance/campaign/WINTER?at=abc", "/api/balance/campaign/WINTER?at=99999999",
                "/api/report?from=2026-01-01&to=2026-12-31&as_of=yesterday", "/api/reconcile?as_of=2026-02-30", "/api/balance/site/DP-CENTRE?at=1&as_of=2026-01-01",
                // Numbers written wrongly are refused, not read as if absent (the whole log) or as nothing; a period
                // that ends before it starts too, as on the command line.
                "/api/log?from=abc", "/api/log?limit=-1", "/api/log?to=1e3", "/api/log?from=9&to=3", "/api/report?from=2026-12-31&to=2026-01-01",
                // An audit sample without a seed, of no events, of too many, over a backward period, of an unknown kind or donor.
                "/api/sample?from=2026-01-01&to=2026-12-31", "/api/sample?from=2026-01-01&to=2026-12-31&seed=a&size=0",
                "/api/sample?from=2026-01-01&to=2026-12-31&seed=a&size=99999999999", "/api/sample?from=2026-12-31&to=2026-01-01&seed=a",
                "/api/sample?from=2026-01-01&to=2026-12-31&seed=a&type=drop_table", "/api/sample?from=2026-01-01&to=2026-12-31&seed=a&donor=NOPE",
                "/api/sample?from=2026-01-01&to=2026-12-31&seed=a&size=-3",
            ] {
                let r = try await client.execute(uri: uri, method: .get, headers: f.headers(.auditor))
                #expect((400..<500).contains(r.status.code), "\(uri) gave \(r.status)")
                #expect(body(r).contains("\"code\":"), "\(uri): \(body(r))")
            }
            // An id of thousands of characters is named in the answer shortened, not echoed whole.
            let long = try await client.execute(uri: "/api/balance/donor/" + String(repeating: "A", count: 5_000), method: .get, headers: f.headers(.auditor))
            #expect(long.status == .notFound && body(long).contains("unknown_donor") && body(long).count < 400, "\(body(long).count)")
            var wrong = f.headers(nil)
            wrong[.authorization] = "Bearer alt_0000"
            #expect(try await client.execute(uri: "/api/commands", method: .post, headers: wrong, body: ByteBuffer(string: bodies[4])).status == .unauthorized)
            wrong[.authorization] = "Basic abc"
            #expect(try await client.execute(uri: "/api/me", method: .get, headers: wrong).status == .unauthorized)
        }
        #expect(try f.ledger.head() == before)
    }
}
