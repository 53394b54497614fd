import AidLedgerCore
import Hummingbird

/// An error answer: HTTP status, the stable code and a message, as JSON `{"error": {"code", "message"}}`.
struct APIError: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// A ledger error with the status that fits its code.
    init(_ error: LedgerError) {
        let status: HTTPResponse.Status = switch error.code {
        case .unknownDonor, .unknownSite, .unknownItem, .unknownCampaign, .unknownRecipient, .unknownEvent, .unknownLot: .notFound
        case .versionConflict, .commandIDReused, .alreadyExists, .duplicateDocument, .alreadyVoided: .conflict
        case .noLedger, .storage, .corruptRecord, .keyMissing: .internalServerError
        default: .unprocessableContent
        }
        self.init(status, error.code.rawValue, error.message)
    }

    static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, "unauthorized", message) }
    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "forbidden", message) }

    var json: JSONValue {
        .object([("error", .object([("code", .string(code)), ("message", .string(message))]))])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"aidledger\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json.serialized + "\n")))
    }
}
