/// A command the ledger refused, or a failure of the ledger itself.
///
/// `code` is stable: the command line and the HTTP API show it unchanged and scripts may rely on it.
/// `message` is written for the person at the counter: it names what is wrong and by how much.
public struct LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Whether the command was refused by a check (as opposed to the storage failing).
    public var isRejection: Bool { code.isRejection }

    /// The stable codes. Documented in docs/EVENTS.md; never renamed.
    public enum Code: String, Sendable, CaseIterable {
        // The input itself
        case missingField = "missing_field"
        case unknownField = "unknown_field"
        case invalidField = "invalid_field"
        case invalidID = "invalid_id"
        case invalidQuantity = "invalid_quantity"
        case invalidAmount = "invalid_amount"
        case invalidDate = "invalid_date"
        case dateOutOfRange = "date_out_of_range"
        case amountOverflow = "amount_overflow"
        case unknownCommand = "unknown_command"
        case invalidJSON = "invalid_json"
        // References
        case unknownDonor = "unknown_donor"
        case unknownSite = "unknown_site"
        case unknownItem = "unknown_item"
        case unknownCampaign = "unknown_campaign"
        case unknownRecipient = "unknown_recipient"
        case unknownEvent = "unknown_event"
        case unknownLot = "unknown_lot"
        case alreadyExists = "already_exists"
        case unknownToken = "unknown_token"
        case duplicateDocument = "duplicate_document"
        case recipientErased = "recipient_erased"
        // Rules
        case itemNotInCampaign = "item_not_in_campaign"
        case donorNotInCampaign = "donor_not_in_campaign"
        case dateOutsideCampaign = "date_outside_campaign"
        case sameSite = "same_site_transfer"
        case insufficientStock = "insufficient_stock"
        case earmarkedStockLeft = "earmarked_stock_left"
        case insufficientCash = "insufficient_cash"
        case entitlementExceeded = "entitlement_exceeded"
        case alreadyVoided = "already_voided"
        case notVoidable = "not_voidable"
        case versionConflict = "version_conflict"
        case commandIDReused = "command_id_reused"
        // The ledger itself
        case storage = "storage_error"
        case noLedger = "no_ledger"
        case corruptRecord = "corrupt_record"
        case keyMissing = "key_missing"

        public var isRejection: Bool {
            switch self {
            case .storage, .noLedger, .corruptRecord, .keyMissing: false
            default: true
            }
        }
    }
}
