/// A checked command, ready for the ledger to decide on.
public struct Command: Sendable {
    /// Chosen by the client; a retry with the same id returns the first outcome.
    public var id: String
    public var actor: String
    /// The business date; today in Kyiv when not given.
    public var date: BusinessDate?
    /// The version (position of the last change) the client expects of the command's entity.
    public var expectedVersion: UInt64?
    public var action: Action
    /// What was typed, to recognise a retry and tell it from a different command reusing an id.
    public var input: CommandInput

    public enum Action: Sendable {
        case registerDonor(DonorRegistered)
        case registerSite(SiteRegistered)
        case registerItem(ItemRegistered)
        case createCampaign(CampaignCreated)
        /// Donors and items to add, the rules from now on (nil: kept), a new last day (nil: kept).
        case updateCampaign(
            campaign: String, ends: BusinessDate?, donors: [String], items: [String], rules: [EntitlementRule]?, removedDonors: [String], removedItems: [String])
        /// Document numbers in plain text: the ledger hashes them and never stores them.
        case registerRecipient(RecipientRegistered, documents: [(DocumentType, String)], personal: PersonalData?)
        /// Changes to the personal data (the fields not given keep what was recorded) and documents to add.
        case updateRecipient(recipient: String, documents: [(DocumentType, String)], personal: PersonalChange?, profile: RecipientProfile.Edit)
        /// Destroys the recipient's data key; their aid stays in the books.
        case eraseRecipient(recipient: String, reason: String)
        case receiveGoods(site: String, GoodsReceived, valueGiven: Bool)
        case receiveCash(CashReceived)
        case issue(site: String, recipient: String, campaign: String, lines: [(item: String, quantity: Int64)], overrideReason: String?)
        case grant(recipient: String, campaign: String, amount: Int64, channel: GrantChannel, reference: String)
        case transfer(from: String, to: String, item: String, quantity: Int64)
        case adjust(site: String, item: String, delta: Int64, reason: AdjustmentReason, note: String, lot: UInt64?)
        case void(target: UInt64, reason: String)
    }

    /// The verbs a `CommandInput` may carry, with the fields each takes (beyond the common ones).
    public static let verbs: [String: Set<String>] = [
        "donor.add": ["id", "name", "kind"],
        "site.add": ["id", "name", "kind", "settlement", "area"],
        "item.add": ["id", "name", "category", "unit", "value"],
        "campaign.add": ["id", "name", "from", "to", "donor", "item", "rule"],
        "campaign.update": ["id", "to", "donor", "item", "rule", "remove-donor", "remove-item"],
        "recipient.register": ["id", "kind", "size", "category", "area", "settlement", "document", "name", "birth-date", "phone", "address", "member"],
        "recipient.update": ["id", "document", "name", "birth-date", "phone", "address", "member", "size", "category", "area", "settlement"],
        "recipient.erase": ["id", "reason"],
        "intake.goods": ["site", "donor", "campaign", "item", "quantity", "value", "expires", "document", "for-category"],
        "intake.cash": ["donor", "campaign", "amount", "document"],
        "issue": ["site", "recipient", "campaign", "item", "quantity", "override-reason"],
        "grant": ["recipient", "campaign", "amount", "channel", "reference"],
        "transfer": ["from", "to", "item", "quantity"],
        "adjust": ["site", "item", "delta", "reason", "note", "lot"],
        "void": ["position", "reason"],
    ]

    /// Fields every verb takes.
    public static let commonFields: Set<String> = ["command-id", "actor", "date", "expect-version"]
}
