import AidLedgerCore
import Foundation
import Hummingbird

extension CounterServer {
    static let readers: Set<Role> = [.accountant, .auditor, .admin]
    static let counter: Set<Role> = [.warehouse, .admin]

    /// `GET /api/registry/{donor|site|item|campaign}`: what the counter's menus list (no recipients).
    func registry(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        _ = try authenticate(request)
        let kind = context.parameters.get("kind") ?? ""
        guard ["donor", "site", "item", "campaign"].contains(kind) else {
            throw APIError(.notFound, "invalid_field", "the registry lists donor, site, item or campaign")
        }
        return Self.json(.array(try ledger.registered(kind).map { .object($0) }))
    }

    /// `GET /api/balance/{kind}/{id}`: recipients and sites for the counter; every kind for the office.
    func balance(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let kind = context.parameters.get("kind") ?? ""
        let id = context.parameters.get("id") ?? ""
        let point = try Self.point(request)
        do {
            switch kind {
            case "recipient":
                let holder = try require(request, Self.counter.union(Self.readers), "a recipient's card")
                guard case .object(var card) = try ledger.recipientBalance(id, as: point).json else { return Self.json(.null) }
                card.append(("erased", .bool(try ledger.isErased(id))))
                // Personal data is opened only for the counter (warehouse) and admins, only on the card.
                if Self.counter.contains(holder.role) { card += try personalFields(id) }
                return Self.json(.object(card))
            case "site":
                _ = try require(request, Self.counter.union(Self.readers), "a site's stock")
                return Self.json(try ledger.siteBalance(id, as: point).json)
            case "donor":
                _ = try require(request, Self.readers, "a donor's balance")
                return Self.json(try ledger.donorBalance(id, as: point).json)
            case "campaign":
                _ = try require(request, Self.readers.union([.warehouse]), "a campaign's balance")
                return Self.json(try ledger.campaignBalance(id, as: point).json)
            default:
                throw APIError(.notFound, "invalid_field", "balances are of a recipient, donor, campaign or site")
            }
        } catch let e as LedgerError {
            throw APIError(e)
        }
    }

    /// The opened personal data for a card, or a note saying why there is none.
    private func personalFields(_ id: String) throws -> [(String, JSONValue)] {
        let result = Result { () throws(LedgerError) -> PersonalData? in try ledger.personalData(of: id) }
        switch result {
        case .success(let data): return [("personal", data?.json ?? .null)]
        case .failure(let e) where e.code == .recipientErased || e.code == .keyMissing: return [("personal", .null), ("personal_note", .string(e.message))]
        case .failure(let e): throw APIError(e)
        }
    }

    /// `GET /api/recipients/find?document=TYPE:NUMBER`: the recipient holding a document, by its keyed hash.
    func find(_ request: Request) throws -> Response {
        _ = try require(request, Self.counter, "finding a recipient by document")
        guard let document = Self.query(request, "document") else { throw APIError(.badRequest, "missing_field", "document is missing (TYPE:NUMBER)") }
        let parts = document.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { throw APIError(.badRequest, "invalid_field", "write the document as TYPE:NUMBER, like passport:AA123456") }
        do {
            let type = try DocumentType.parse(String(parts[0]))
            guard let id = try ledger.recipient(holding: type, String(parts[1])) else {
                throw APIError(.notFound, "unknown_recipient", "no recipient holds this \(type.rawValue.replacingOccurrences(of: "_", with: " "))")
            }
            return Self.json(.object([("recipient", .string(id))]))
        } catch let e as LedgerError {
            throw APIError(e)
        }
    }

    /// `GET /api/log?from&to&type&entity&limit`.
    func log(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "the log")
        var filter = LogFilter(limit: try Self.number(request, "limit").map { Int(clamping: $0) } ?? 1000)
        if let f = try Self.number(request, "from") { filter.from = f }
        if let t = try Self.number(request, "to") { filter.to = t }
        filter.entity = Self.query(request, "entity")
        if let type = Self.query(request, "type") {
            guard let t = EventType(name: type) else { throw APIError(.badRequest, "invalid_field", "\(type) is not an event type") }
            filter.types = [t]
        }
        do {
            return Self.json(.array(try ledger.records(filter).map(\.json)))
        } catch {
            throw APIError(error)
        }
    }

    /// `GET /api/report?from&to&campaign&site&donor&since`: the report as JSON (`aidledger report --format csv` writes it for
    /// spreadsheets); with `since`, what changed it after that position (`changed_since`, as `aidledger report --since`).
    func report(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "the period report")
        do {
            guard let from = Self.query(request, "from"), let to = Self.query(request, "to") else {
                throw LedgerError(.missingField, "from and to are needed, like ?from=2026-01-01&to=2026-12-31")
            }
            let (period, point) = ((try BusinessDate.parse(from, field: "from"), try BusinessDate.parse(to, field: "to")), try Self.point(request))
            let (campaign, site, donor) = (Self.query(request, "campaign"), Self.query(request, "site"), Self.query(request, "donor"))
            let report = try ledger.report(from: period.0, to: period.1, campaign: campaign, site: site, donor: donor, as: point)
            guard let since = try Self.number(request, "since") else { return Self.json(report.json) }
            let changes = try ledger.reportChanges(from: period.0, to: period.1, campaign: campaign, site: site, donor: donor, since: since, as: point)
            return Self.json(changes.json(in: report))
        } catch let e as LedgerError {
            throw APIError(e)
        }
    }

    /// `GET /api/sample?from&to&seed&size&type&site&campaign`: an audit sample (`aidledger sample`; docs/AUDIT.md).
    func sample(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "an audit sample")
        do {
            guard let from = Self.query(request, "from"), let to = Self.query(request, "to"), let seed = Self.query(request, "seed") else {
                throw LedgerError(.missingField, "from, to and seed are needed, like ?from=2026-01-01&to=2026-12-31&seed=audit-2026&size=25")
            }
            var types: Set<EventType> = []
            if let type = Self.query(request, "type") {
                guard let t = EventType(name: type) else { throw LedgerError(.invalidField, "\(type) is not an event type") }
                types = [t]
            }
            let drawn = try ledger.sample(AuditSample.Request(
                from: try BusinessDate.parse(from, field: "from"), to: try BusinessDate.parse(to, field: "to"), types: types,
                site: Self.query(request, "site"), campaign: Self.query(request, "campaign"), donor: Self.query(request, "donor"),
                size: try Self.number(request, "size").map { Int(clamping: $0) } ?? 25, seed: seed,
                byValue: ["1", "true", "yes"].contains(Self.query(request, "by_value") ?? "")))
            return Self.json(drawn.json)
        } catch let e as LedgerError {
            throw APIError(e)
        }
    }

    /// `GET /api/reconcile`.
    func reconcile(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "reconciliation")
        do {
            return Self.json(try ledger.reconcile(as: try Self.point(request)).json)
        } catch let e as LedgerError {
            throw APIError(e)
        }
    }

    /// `GET /api/verify`.
    func verify(_ request: Request) throws -> Response {
        _ = try require(request, Self.readers, "verification")
        do {
            return Self.json(try ledger.verify(checkpointFile: nil).json)
        } catch {
            throw APIError(error)
        }
    }

    /// `GET /api/export?format=jsonl|csv|hledger`: the whole log for auditors and accountants, up to the head when
    /// the request came, sent a piece at a time (chunked) as the client reads it: the server holds one piece, not
    /// the export, and goes on recording meanwhile.
    func export(_ request: Request) async throws -> Response {
        _ = try require(request, Self.readers, "exports")
        let name = Self.query(request, "format") ?? "jsonl"
        let ledger = ledger
        let cursor: ExportCursor
        do {
            cursor = try await Self.offLoop { try ExportCursor(ledger, format: try ExportFormat.parse(name)) }
        } catch let e as LedgerError {
            throw APIError(e)
        }
        return Response(status: .ok, headers: [.contentType: cursor.format.contentType], body: ResponseBody { writer in
            while let piece = try await Self.offLoop({ try cursor.nextPiece() }) {
                try await writer.write(ByteBuffer(string: piece))
            }
            try await writer.finish(nil)
        })
    }
}
