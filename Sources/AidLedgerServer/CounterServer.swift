import AidLedgerCore
import Foundation
import Hummingbird
import Logging

/// The counter service: the ledger over HTTP for the counter page, accountants and auditors.
///
/// Every command goes through the same `Command.parse` as the command line and the import, and through
/// the group committer, so the codes, the checks and the idempotency are the same everywhere.
public struct CounterServer: Sendable {
    public let ledger: Ledger
    public let metrics: Metrics
    let commits: GroupCommit
    let logger: Logger
    /// The largest request body accepted.
    public static let maxBodySize = 64 * 1024
    /// How long a warehouse worker may void their own issuance.
    public static let ownVoidWindowMicros: Int64 = 24 * 3600 * 1_000_000

    public init(ledger: Ledger, logger: Logger = Logger(label: "aidledger")) {
        let metrics = Metrics()
        self.ledger = ledger
        self.metrics = metrics
        self.logger = logger
        commits = ledger.groupCommit { batch in
            metrics.observe("aidledger_batch_size", Double(batch.size))
            metrics.observe("aidledger_commit_seconds", Double(batch.commitNanoseconds) / 1e9)
            for result in batch.results {
                switch result {
                case .success(let o):
                    metrics.increment("aidledger_commands_total", labels: "outcome=\"\(o.status.rawValue)\"")
                    if o.status == .appended { metrics.increment("aidledger_events_appended_total", by: Double(o.records.count)) }
                case .failure(let e):
                    metrics.increment("aidledger_commands_total", labels: "outcome=\"rejected\"")
                    metrics.increment("aidledger_commands_rejected_total", labels: "code=\"\(e.code.rawValue)\"")
                }
            }
        }
    }

    /// Every route the service answers, as (method, path) in OpenAPI's notation; the OpenAPI test compares it
    /// with `openapi.yaml`.
    public var routes: [(method: String, path: String)] { buildRoutes().table }

    /// The routes, all of them: the page, health, metrics, the OpenAPI document and the JSON API.
    public func buildRouter() -> Router<BasicRequestContext> { buildRoutes().router }

    private func buildRoutes() -> (router: Router<BasicRequestContext>, table: [(method: String, path: String)]) {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestLog(logger: logger, metrics: metrics))
        var table: [(method: String, path: String)] = []
        func on(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            router.on(RouterPath(path), method: method, use: handler)
            let documented = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            table.append((method.rawValue.lowercased(), "/" + documented))
        }
        on(.get, "/") { _, _ in try Self.resource("index.html", type: "text/html; charset=utf-8") }
        on(.get, "/openapi.yaml") { _, _ in try Self.resource("openapi.yaml", type: "application/yaml") }
        on(.get, "/health") { _, _ in Self.json(.object([("status", .string("ok"))])) }
        on(.get, "/ready") { _, _ in
            let head = try ledger.head()
            return Self.json(.object([("status", .string("ready")), ("position", .int(head.position))]))
        }
        on(.get, "/metrics") { _, _ in Self.text(metrics.render(), type: "text/plain; version=0.0.4") }
        on(.get, "/api/me") { request, _ in Self.json(try authenticate(request).json) }
        on(.post, "/api/commands") { request, context in try await command(request, context) }
        on(.get, "/api/registry/:kind") { request, context in try registry(request, context) }
        on(.get, "/api/balance/:kind/:id") { request, context in
            // The books at a past point may need a replay of the log: not on the event loop.
            if try Self.point(request) == .head { return try balance(request, context) }
            return try await Self.offLoop { try balance(request, context) }
        }
        on(.get, "/api/recipients/find") { request, _ in try find(request) }
        on(.get, "/api/log") { request, _ in try await Self.offLoop { try log(request) } }
        on(.get, "/api/report") { request, _ in try await Self.offLoop { try report(request) } }
        on(.get, "/api/reconcile") { request, _ in try await Self.offLoop { try reconcile(request) } }
        on(.get, "/api/sample") { request, _ in try await Self.offLoop { try sample(request) } }
        on(.get, "/api/verify") { request, _ in try await Self.offLoop { try verify(request) } }
        on(.get, "/api/export") { request, _ in try await export(request) }
        on(.post, "/api/import") { request, context in try await importLines(request, context) }
        on(.post, "/api/checkpoint") { request, _ in try checkpoint(request) }
        on(.get, "/api/projections/check") { request, _ in try await Self.offLoop { try projectionsCheck(request) } }
        on(.get, "/api/tokens") { request, _ in try listTokens(request) }
        on(.post, "/api/tokens") { request, context in try await createToken(request, context) }
        on(.delete, "/api/tokens/:name") { request, context in try revokeToken(request, context) }
        return (router, table)
    }

    /// The application on `host:port`, with graceful shutdown on SIGTERM and SIGINT.
    public func buildApplication(host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "aidledger"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    // MARK: Helpers

    /// Where work that reads much of the ledger runs (a report, a verification, a piece of an export, a replay to a
    /// past point): not on the event loops that answer the counter, so an auditor's question never holds up an
    /// issuance. As many at once as there are cores (the work is all computation; more would only hold more of
    /// LMDB's reader slots); the rest wait their turn. Each job opens and closes its own read transactions; none
    /// spans an `await`.
    static let queries: OperationQueue = {
        let queue = OperationQueue()
        queue.name = "aidledger.queries"
        queue.maxConcurrentOperationCount = max(2, ProcessInfo.processInfo.activeProcessorCount)
        queue.qualityOfService = .utility
        return queue
    }()

    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queries.addOperation { continuation.resume(with: Result { try work() }) }
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var bytes = value.serializedBytes
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func resource(_ name: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: "Resources/" + name, withExtension: nil) ?? Bundle.module.url(forResource: name, withExtension: nil),
              let data = try? Data(contentsOf: url) else {
            throw APIError(.notFound, "not_found", "\(name) is missing from this build")
        }
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The token's holder, or 401 saying what is missing.
    func authenticate(_ request: Request) throws -> TokenHolder {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthorized("this needs an API token: send the header Authorization: Bearer <token> (aidledger token create makes one)")
        }
        guard header.hasPrefix("Bearer "), let holder = try ledger.authenticate(String(header.dropFirst(7).drop { $0 == " " })) else {
            throw APIError.unauthorized("the API token is not known or was revoked")
        }
        return holder
    }

    /// The holder, when their role is one of `roles`; 403 saying which roles may, otherwise.
    func require(_ request: Request, _ roles: Set<Role>, _ what: String) throws -> TokenHolder {
        let holder = try authenticate(request)
        guard roles.contains(holder.role) else {
            let allowed = Role.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ", ")
            throw APIError.forbidden("\(holder.name) is \(holder.role.rawValue); \(what) needs one of: \(allowed)")
        }
        return holder
    }

    static func query(_ request: Request, _ name: String) -> String? {
        request.uri.queryParameters.get(name)
    }

    /// A whole number from the query (nil when absent); anything else is refused, not read as if absent.
    static func number(_ request: Request, _ name: String) throws -> UInt64? {
        guard let text = query(request, name) else { return nil }
        guard let n = UInt64(text) else { throw APIError(.badRequest, "invalid_field", "\(name) must be a whole number, like 100; \"\(Identifier.printable(text))\" is not") }
        return n
    }

    /// `as_of=DATE` or `at=POSITION` from the query. Throws an `APIError` (a 4xx with its code) for either written
    /// wrongly, wherever it is called from.
    static func point(_ request: Request) throws -> AsOf {
        switch (query(request, "as_of"), query(request, "at")) {
        case (nil, nil): return .head
        case (let d?, nil):
            do { return .endOfDay(try BusinessDate.parse(d, field: "as_of")) } catch { throw APIError(error) }
        case (nil, let p?):
            guard let n = UInt64(p) else { throw APIError(.badRequest, "invalid_field", "at must be a position, like 120") }
            return .position(n)
        default: throw APIError(.badRequest, "invalid_field", "give either as_of or at, not both")
        }
    }
}

/// Logs each request's method, path, status, duration and token holder; never query strings or bodies,
/// which may carry document numbers.
struct RequestLog: RouterMiddleware {
    typealias Context = BasicRequestContext
    let logger: Logger
    let metrics: Metrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let status: HTTPResponse.Status
        do {
            let response = try await next(request, context)
            status = response.status
            finish(request, status, started)
            return response
        } catch let error as any HTTPResponseError {
            finish(request, error.status, started)
            throw error
        } catch {
            finish(request, .internalServerError, started)
            throw error
        }
    }

    private func finish(_ request: Request, _ status: HTTPResponse.Status, _ started: UInt64) {
        metrics.increment("aidledger_http_requests_total", labels: "status=\"\(status.code)\"")
        // Answered requests at debug (one line per kit would drown the log at a busy counter); refusals at info,
        // failures of the server at error. `aidledger serve --log-level debug` shows every request.
        let level: Logger.Level = status.code >= 500 ? .error : status.code >= 400 ? .info : .debug
        guard logger.logLevel <= level else { return }
        let tenths = (DispatchTime.now().uptimeNanoseconds - started) / 100_000
        logger.log(level: level, "\(request.method.rawValue) \(request.uri.path) \(status.code) \(tenths / 10).\(tenths % 10)ms")
    }
}
