import AidLedgerCore
import Foundation
import Hummingbird

extension CounterServer {
    /// The largest import accepted over HTTP.
    static let maxImportSize = 16 << 20

    /// `POST /api/import`: a JSONL file of commands, as `aidledger import`; each line needs the caller's role to allow its verb.
    func importLines(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let holder = try require(request, [.accountant, .warehouse, .admin], "importing")
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxImportSize)
        } catch {
            throw APIError(.contentTooLarge, "request_too_large", "an import may be at most \(Self.maxImportSize >> 20) MiB; split the file")
        }
        var lines: [JSONValue] = []
        var commands: [Command] = []
        var slots: [Int?] = []  // for each line, its index in `commands`, or nil when it was refused before the ledger
        var refused: [Int: LedgerError] = [:]
        let name = holder.name
        for line in try await Self.offLoop({ JSONLImport.parse(String(buffer: body), actor: name) }) {
            switch line.command {
            case .success(var command) where holder.role.mayRun(command.input.verb):
                command.actor = holder.name
                slots.append(commands.count)
                commands.append(command)
            case .success(let command):
                slots.append(nil)
                refused[slots.count - 1] = LedgerError(.invalidField, "\(holder.name) is \(holder.role.rawValue) and may not run \(command.input.verb)")
            case .failure(let e):
                slots.append(nil)
                refused[slots.count - 1] = e
            }
            lines.append(.int(line.number))
        }
        let results = try await ledger.submit(commands)
        var out: [JSONValue] = []
        var summary = (recorded: 0, duplicates: 0, rejected: 0)
        for (i, slot) in slots.enumerated() {
            let result: Result<Outcome, LedgerError> = slot.map { results[$0] } ?? .failure(refused[i]!)
            switch result {
            case .success(let o):
                if o.status == .duplicate { summary.duplicates += 1 } else { summary.recorded += 1 }
                out.append(.object([("line", lines[i]), ("status", .string(o.status.rawValue)), ("positions", .array(o.records.map { .int($0.position) }))]))
            case .failure(let e):
                summary.rejected += 1
                out.append(.object([("line", lines[i]), ("error", .object([("code", .string(e.code.rawValue)), ("message", .string(e.message))]))]))
            }
        }
        return Self.json(.object([
            ("summary", .object([("recorded", .int(summary.recorded)), ("already_recorded", .int(summary.duplicates)), ("rejected", .int(summary.rejected))])),
            ("lines", .array(out)),
        ]))
    }

    /// `POST /api/checkpoint` (admin): signs the head with the key the server was given
    /// (`$AIDLEDGER_SIGNING_KEY`, else `DATA/signing.key`).
    func checkpoint(_ request: Request) throws -> Response {
        _ = try require(request, [.admin], "signing a checkpoint")
        let path = ProcessInfo.processInfo.environment["AIDLEDGER_SIGNING_KEY"] ?? ledger.directory + "/signing.key"
        do {
            return Self.json(try ledger.checkpoint(keyPath: path).json, status: .created)
        } catch {
            throw APIError(error)
        }
    }

    /// `GET /api/projections/check`: the stored projections compared with the log, entry by entry.
    func projectionsCheck(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "checking the projections")
        do {
            let differences = try ledger.projectionDifferences()
            return Self.json(.object([("agree", .bool(differences.isEmpty)), ("differences", .array(differences.map { .string($0) }))]))
        } catch {
            throw APIError(error)
        }
    }
}
