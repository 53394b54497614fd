/// What an API token may do.
public enum Role: String, Sendable, CaseIterable {
    /// Register recipients, issue, grant, transfer, adjust, void their own recent issuances; read what the counter needs.
    case warehouse
    /// Donors, sites, items, campaigns, intakes; reports and reconciliation.
    case accountant
    /// Read only: balances, reports, the log, verify, exports.
    case auditor
    /// Everything, and tokens.
    case admin
}

extension Role {
    /// Whether this role may run `verb` (a `CommandInput` verb).
    public func mayRun(_ verb: String) -> Bool {
        switch self {
        case .admin: true
        case .warehouse: ["recipient.register", "recipient.update", "issue", "grant", "transfer", "adjust", "void"].contains(verb)
        case .accountant: ["donor.add", "site.add", "item.add", "campaign.add", "campaign.update", "intake.goods", "intake.cash"].contains(verb)
        case .auditor: false
        }
    }
}
