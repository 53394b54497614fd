import AidLedgerCore
import AidLedgerServer
import ArgumentParser
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the counter service: the web page at / and the JSON API, on 127.0.0.1:8080 by default.")
    @OptionGroup var ledger: LedgerOptions
    @Option(help: "The address to listen on; 0.0.0.0 to serve the local network.") var host = "127.0.0.1"
    @Option(help: "The port; 0 picks a free one.") var port = 8080
    @Flag(help: "When the ledger has no API token yet, make an admin token and print it once.") var firstAdminToken = false
    @Option(help: "What to log: error, warning, info (refused requests, start and stop) or debug (every request).")
    var logLevel: LogLevel = .info

    enum LogLevel: String, ExpressibleByArgument, CaseIterable {
        case error, warning, info, debug
        var level: Logger.Level { Logger.Level(rawValue: rawValue)! }
    }

    func run() async throws {
        let l: Ledger
        do {
            l = try ledger.ledger()
            if firstAdminToken, try l.tokens().isEmpty {
                let token = try l.createToken(name: "admin", role: .admin)
                FileHandle.standardOutput.write(Data("first admin token (shown once; keep it): \(token)\n".utf8))
            }
        } catch {
            throw Failure.exit(for: error, json: false)
        }
        var logger = Logger(label: "aidledger")
        logger.logLevel = logLevel.level
        let server = CounterServer(ledger: l, logger: logger)
        let host = self.host
        let app = server.buildApplication(host: host, port: port) { port in
            FileHandle.standardOutput.write(Data("serving \(l.directory) at http://\(host):\(port)/\n".utf8))
        }
        try await app.runService()
        l.close()
    }
}

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "API tokens for the counter service.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token; it is shown once and stored only as a hash.")
        @OptionGroup var ledger: LedgerOptions
        @Option(help: "warehouse, accountant, auditor or admin.") var role: String
        @Option(help: "Who holds it; recorded as the actor of every event made with it.") var name: String

        func run() throws {
            try reporting(json: ledger.json) {
                guard let role = Role(rawValue: role) else { throw LedgerError(.invalidField, "role is one of: warehouse, accountant, auditor, admin") }
                let token = try ledger.open().createToken(name: name, role: role)
                print(ledger.json ? JSONValue.object([("name", .string(name)), ("role", .string(role.rawValue)), ("token", .string(token))]).serialized : token)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens by name and role (never the tokens).")
        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            try reporting(json: ledger.json) {
                let tokens = try ledger.open().tokens()
                if ledger.json { return print(JSONValue.array(tokens.map(\.json)).serialized) }
                Printer.table(["name", "role", "created", "state"], tokens.map { [$0.name, $0.role.rawValue, EventRecord.formatMicros($0.createdAt), $0.revoked ? "revoked" : "active"] })
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke the token of a name.")
        @OptionGroup var ledger: LedgerOptions
        @Option var name: String

        func run() throws {
            try reporting(json: ledger.json) {
                guard try ledger.open().revokeToken(name: name) else { throw LedgerError(.unknownToken, "there is no active token named \(name)") }
                print("revoked \(name)")
            }
        }
    }
}
