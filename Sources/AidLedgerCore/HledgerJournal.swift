/// The log as an hledger journal: items as commodities in units with their UAH value as a unit price,
/// cash in UAH; accounts per site (stock), campaign (cash and aid given), donor (donations) and
/// recipient category (aid given, as the last part of the account).
///
/// `hledger balance assets:stock:SITE` then shows a site's units per item, `assets:cash:CAMPAIGN` the
/// campaign's cash left, `income:donations:DONOR` what the donor gave (negative, in UAH).
public struct HledgerJournal {
    /// The lots seen so far (their donor and value), by id.
    private var lots: [UInt64: (donor: String, value: Int64)] = [:]
    private var categories: [String: String] = [:]
    private var transactions: [UInt64: [Posting]] = [:]
    /// The events voided later: only their postings are kept, to reverse them.
    private let voided: Set<UInt64>

    struct Posting {
        var account: String
        var amount: String
        var note: String = ""
    }

    /// - Parameter voided: the positions of the events voided inside the exported history.
    public init(voided: Set<UInt64>) { self.voided = voided }

    /// The header: commodity declarations so amounts print the same everywhere.
    public static let header = "; AidLedger export for hledger\ncommodity 1,000.00 UAH\n\n"

    /// The journal entry for `record`, or nil for events that move nothing (registrations).
    public mutating func entry(_ r: EventRecord) -> String? {
        var postings: [Posting] = []
        var description = ""
        func units(_ q: Int64, _ item: String, _ value: Int64) -> String { "\(q) \"\(item)\" @ \(HledgerJournal.uah(value))" }
        switch r.event {
        case .recipientRegistered(let p):
            categories[p.recipient] = p.category.rawValue
            return nil
        case .recipientUpdated(let u):
            // Aid given after a change of category goes to the new group's account; what was given before stays.
            if let profile = u.profile { categories[u.recipient] = profile.after.category.rawValue }
            return nil
        case .goodsReceived(let p):
            lots[r.position] = (p.donor, p.valuePerUnit)
            description = "goods received from \(p.donor): \(p.document)"
            postings = [
                Posting(account: "assets:stock:\(r.site)", amount: units(p.quantity, p.item, p.valuePerUnit)),
                Posting(account: "income:donations:\(p.donor):goods", amount: HledgerJournal.uah(-p.quantity * p.valuePerUnit)),
            ]
        case .cashReceived(let p):
            lots[r.position] = (p.donor, 1)
            description = "cash received from \(p.donor): \(p.document)"
            postings = [
                Posting(account: "assets:cash:\(p.campaign)", amount: HledgerJournal.uah(p.amount)),
                Posting(account: "income:donations:\(p.donor):cash", amount: HledgerJournal.uah(-p.amount)),
            ]
        case .goodsIssued(let p):
            description = "issued to \(p.recipient) under \(p.campaign)"
            let group = categories[p.recipient] ?? "other"
            for line in p.lines {
                for d in line.draws {
                    let lot = lots[d.lot] ?? ("unknown", 0)
                    postings.append(Posting(account: "expenses:aid:\(p.campaign):\(group)", amount: units(d.amount, line.item, lot.value), note: "donor:\(lot.donor)"))
                    postings.append(Posting(account: "assets:stock:\(r.site)", amount: units(-d.amount, line.item, lot.value)))
                }
            }
        case .cashGranted(let p):
            description = "cash granted to \(p.recipient) from \(p.campaign) by \(p.channel.rawValue)"
            let group = categories[p.recipient] ?? "other"
            for d in p.draws {
                postings.append(Posting(account: "expenses:cash-aid:\(p.campaign):\(group)", amount: HledgerJournal.uah(d.amount), note: "donor:\(lots[d.lot]?.donor ?? "unknown")"))
            }
            postings.append(Posting(account: "assets:cash:\(p.campaign)", amount: HledgerJournal.uah(-p.amount)))
        case .stockTransferred(let p):
            description = "transfer from \(r.site) to \(p.toSite)"
            for d in p.draws {
                let value = lots[d.lot]?.value ?? 0
                postings.append(Posting(account: "assets:stock:\(p.toSite)", amount: units(d.amount, p.item, value)))
                postings.append(Posting(account: "assets:stock:\(r.site)", amount: units(-d.amount, p.item, value)))
            }
        case .stockAdjusted(let p):
            description = "adjustment at \(r.site): \(p.reason.rawValue) \(p.note)"
            for d in p.draws {
                let lot = lots[d.lot] ?? ("unknown", 0)
                let other = d.amount < 0 ? "expenses:write-off:\(p.reason.rawValue)" : "income:adjustments:\(p.reason.rawValue)"
                postings.append(Posting(account: "assets:stock:\(r.site)", amount: units(d.amount, p.item, lot.value)))
                postings.append(Posting(account: other, amount: units(-d.amount, p.item, lot.value), note: "donor:\(lot.donor)"))
            }
        case .eventVoided(let v):
            guard let target = transactions[v.target] else { return nil }
            description = "void of #\(v.target): \(v.reason)"
            postings = target.map { p in
                var reversed = p
                reversed.amount = p.amount.hasPrefix("-") ? String(p.amount.dropFirst()) : "-" + p.amount
                return reversed
            }
        default:
            return nil
        }
        if voided.contains(r.position) { transactions[r.position] = postings }
        var text = "\(r.businessDate) (#\(r.position)) \(description.replacingOccurrences(of: ";", with: ","))\n"
        text += "    ; position:\(r.position), hash:\(r.hash.hexString)\n"
        for p in postings {
            text += "    \(p.account)  \(p.amount)" + (p.note.isEmpty ? "" : "  ; \(p.note)") + "\n"
        }
        return text + "\n"
    }

    /// `1234.50 UAH` (hledger's own decimal form, without separators).
    static func uah(_ kopecks: Int64) -> String {
        Kopecks.plain(kopecks) + " UAH"
    }
}
