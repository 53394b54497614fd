import AidLedgerCore
import ArgumentParser
import Foundation

/// `aidledger`: the ledger's command line.
@main
struct AidLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aidledger",
        abstract: "An append-only, hash-chained ledger of humanitarian aid: intakes, issuances, cash grants, transfers and write-offs.",
        discussion: """
            Exit codes: 0 done; 1 a check failed (verify found a break); 2 usage error; 3 a command was rejected \
            (the error's code says why); 4 the ledger could not be read or written.
            """,
        subcommands: [
            InitCommand.self, DemoCommand.self,
            DonorCommand.self, SiteCommand.self, ItemCommand.self, CampaignCommand.self, RecipientCommand.self,
            IntakeCommand.self, IssueCommand.self, GrantCommand.self, TransferCommand.self, AdjustCommand.self, VoidCommand.self,
            ImportCommand.self, LogCommand.self, BalanceCommand.self, VerifyCommand.self, RebuildCommand.self, ReconcileCommand.self, ReportCommand.self, SampleCommand.self, ExportCommand.self, CheckpointCommand.self, ReplayCommand.self, BackupCommand.self, RestoreCommand.self, ServeCommand.self, TokenCommand.self, KeysCommand.self,
        ]
    )
}

extension AidLedgerCommand {
    /// Runs the command line; a usage error exits with 2, as documented, instead of the parser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Where the ledger is and how to print.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory (default: $AIDLEDGER_DATA or ./aidledger-data).")
    var data: String?

    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false

    var directory: String {
        data ?? ProcessInfo.processInfo.environment["AIDLEDGER_DATA"] ?? "./aidledger-data"
    }

    /// Tells the operator on stderr what makes opening a ledger take long.
    static func notice(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Milestones of as-of replays, from the environment: `AIDLEDGER_MILESTONE_EVERY` (events between two) and
    /// `AIDLEDGER_MILESTONES` (how many stay on disk, 0 for none); the ledger's defaults unless set.
    static func milestones() throws(LedgerError) -> (every: UInt64, kept: Int) {
        let environment = ProcessInfo.processInfo.environment
        var every = Ledger.defaultMilestoneEvery
        var kept = Ledger.defaultMilestonesKept
        if let text = environment["AIDLEDGER_MILESTONE_EVERY"] {
            guard let n = UInt64(text), n > 0 else {
                throw LedgerError(.invalidField, "AIDLEDGER_MILESTONE_EVERY must be a whole number of events, at least 1 (it is \"\(text)\")")
            }
            every = n
        }
        if let text = environment["AIDLEDGER_MILESTONES"] {
            guard let n = Int(text), n >= 0 else {
                throw LedgerError(.invalidField, "AIDLEDGER_MILESTONES must be how many milestones to keep, 0 or more (it is \"\(text)\")")
            }
            kept = n
        }
        return (every, kept)
    }

    /// The ledger in `directory`, with the milestone settings of the environment.
    func ledger(create: Bool = false, relaxed: Bool = false) throws(LedgerError) -> Ledger {
        let milestones = try LedgerOptions.milestones()
        return try Ledger(
            directory: directory, create: create, durability: relaxed ? .relaxed : .synchronous,
            milestoneEvery: milestones.every, milestonesKept: milestones.kept, notice: LedgerOptions.notice)
    }

    func open(create: Bool = false, relaxed: Bool = false) throws -> Ledger {
        do {
            return try ledger(create: create, relaxed: relaxed)
        } catch {
            throw Failure.ledger(error)
        }
    }
}

/// How the command line ends when something went wrong: a code on stderr and a documented exit status.
enum Failure: Error {
    case ledger(LedgerError)
    case checkFailed

    static func exit(for error: LedgerError, json: Bool) -> ExitCode {
        if json { print(JSONValue.object([("error", .object([("code", .string(error.code.rawValue)), ("message", .string(error.message))]))]).serialized) }
        FileHandle.standardError.write(Data("error[\(error.code.rawValue)]: \(error.message)\n".utf8))
        return error.isRejection ? ExitCode(3) : ExitCode(4)
    }
}

extension ParsableCommand {
    /// Runs `body`, turning a ledger error into its message on stderr and its exit code.
    func reporting(json: Bool, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch Failure.ledger(let e) {
            throw Failure.exit(for: e, json: json)
        } catch let e as LedgerError {
            throw Failure.exit(for: e, json: json)
        }
    }
}
