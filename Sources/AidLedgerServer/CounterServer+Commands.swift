import AidLedgerCore
import Foundation
import Hummingbird

extension CounterServer {
    /// `POST /api/commands`: one command in the import's JSON form; answered after its durable commit.
    func command(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let holder = try authenticate(request)
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maxBodySize)
        } catch {
            throw APIError(.contentTooLarge, "request_too_large", "a command may be at most \(Self.maxBodySize / 1024) KiB")
        }
        var input: CommandInput
        do {
            input = try CommandInput.from(json: try JSONValue.parse(String(buffer: body)))
        } catch let e as LedgerError {
            throw APIError(e)
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not valid JSON: \(error)")
        }
        guard holder.role.mayRun(input.verb) || Command.verbs[input.verb] == nil else {
            throw APIError.forbidden("\(holder.name) is \(holder.role.rawValue) and may not run \(input.verb)")
        }
        // Every event records the token's name as its actor, whatever the body says.
        input.fields["actor"] = [holder.name]
        let command: Command
        do { command = try Command.parse(input, actor: holder.name) } catch { throw APIError(error) }
        if holder.role == .warehouse, case .void(let target, _) = command.action { try checkOwnRecentIssuance(target, holder) }
        switch await commits.submit(command) {
        case .success(let outcome): return Self.json(outcome.json, status: outcome.status == .appended ? .created : .ok)
        case .failure(let error): throw APIError(error)
        }
    }

    /// A warehouse worker may void only their own issuances of the last 24 hours; older ones go to an admin.
    private func checkOwnRecentIssuance(_ target: UInt64, _ holder: TokenHolder) throws {
        guard let record = try ledger.record(at: target) else { return }  // the ledger answers unknown_event
        guard case .goodsIssued = record.event, record.actor == holder.name,
              Int64(Date().timeIntervalSince1970 * 1_000_000) - record.recordedAt <= Self.ownVoidWindowMicros else {
            throw APIError.forbidden("a warehouse worker may void only their own issuances of the last 24 hours; ask an admin to void #\(target)")
        }
    }
}
