import AidLedgerCore
import Hummingbird

extension CounterServer {
    /// `GET /api/tokens` (admin): every token's name, role and state; never the tokens.
    func listTokens(_ request: Request) throws -> Response {
        _ = try require(request, [.admin], "managing tokens")
        return Self.json(.array(try ledger.tokens().map(\.json)))
    }

    /// `POST /api/tokens {"name", "role"}` (admin): the new token, shown once.
    func createToken(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        _ = try require(request, [.admin], "managing tokens")
        let body = try await request.body.collect(upTo: Self.maxBodySize)
        let (name, role) = try Self.tokenRequest(String(buffer: body))
        do {
            let token = try ledger.createToken(name: name, role: role)
            return Self.json(.object([("name", .string(name)), ("role", .string(role.rawValue)), ("token", .string(token))]), status: .created)
        } catch {
            throw APIError(error)
        }
    }

    static func tokenRequest(_ text: String) throws -> (String, Role) {
        let usage = APIError(.badRequest, "invalid_field", "send {\"name\": \"…\", \"role\": \"warehouse|accountant|auditor|admin\"}")
        guard let json = try? JSONValue.parse(text) else { throw usage }
        guard let name = json["name"]?.stringValue, let roleName = json["role"]?.stringValue, let role = Role(rawValue: roleName) else { throw usage }
        return (name, role)
    }

    /// `DELETE /api/tokens/{name}` (admin).
    func revokeToken(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        _ = try require(request, [.admin], "managing tokens")
        let name = context.parameters.get("name") ?? ""
        guard try ledger.revokeToken(name: name) else { throw APIError(.notFound, "unknown_token", "there is no active token named \(name)") }
        return Self.json(.object([("revoked", .string(name))]))
    }
}
