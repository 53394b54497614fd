import AidLedgerCore

/// Text and JSON output of the command line.
enum Printer {
    static func outcome(_ outcome: Outcome, json: Bool) {
        if json { return print(outcome.json.serialized) }
        for record in outcome.records {
            let prefix = outcome.status == .duplicate ? "already recorded" : "recorded"
            print("\(prefix) #\(record.position) \(record.event.type.name) \(summary(record))")
            print("  date \(record.businessDate)  by \(record.actor)  hash \(record.hash.hexString)")
        }
    }

    /// A lot's earmarks: its campaign, its group, both, or "-".
    static func earmark(_ lot: Lot) -> String {
        [lot.campaign, lot.forCategory?.rawValue].compactMap { $0 }.joined(separator: ", ").ifEmpty("-")
    }

    /// A record as `log` lists it: position, business date, type, what it is about, who recorded it.
    static func line(_ r: EventRecord) -> String {
        "#\(r.position)  \(r.businessDate)  \(r.event.type.name)  \(summary(r))  [\(r.actor)]"
    }

    /// One line saying what the record is about.
    static func summary(_ r: EventRecord) -> String {
        switch r.event {
        case .donorRegistered(let p): return "\(p.donor) \"\(p.name)\" (\(p.kind.rawValue))"
        case .siteRegistered(let p): return "\(p.site) \"\(p.name)\" \(p.kind.rawValue), \(p.settlement) (\(p.area.rawValue))"
        case .itemRegistered(let p): return "\(p.item) \"\(p.name)\" per \(p.unit) \(Kopecks.format(p.valuePerUnit)) UAH"
        case .campaignCreated(let p):
            return "\(p.campaign) \"\(p.name)\" \(p.starts)…\(p.ends) rules: \(p.rules.map(\.description).joined(separator: " ").ifEmpty("none"))"
        case .campaignUpdated(let p): return "\(p.campaign): \(p.change)"
        case .recipientRegistered(let p):
            return "\(p.recipient) \(p.kind.rawValue) of \(p.householdSize), \(p.category.rawValue), \(p.settlement) (\(p.area.rawValue)), \(p.documents.count) document(s)"
        case .recipientUpdated(let p): return "\(p.recipient): \(p.change)"
        case .recipientErased(let p): return "\(p.recipient): personal data erased (\(p.reason))"
        case .goodsReceived(let p):
            return "lot #\(r.position): \(p.quantity) × \(p.item) from \(p.donor) at \(r.site), \(Kopecks.format(p.valuePerUnit)) UAH each"
                + (p.campaign.map { ", for \($0)" } ?? "") + (p.forCategory.map { ", for \($0.rawValue) only" } ?? "") + (p.expires.map { ", expires \($0)" } ?? "")
        case .cashReceived(let p): return "\(Kopecks.format(p.amount)) UAH from \(p.donor) into \(p.campaign)"
        case .goodsIssued(let p):
            let lines = p.lines.map { line in
                "\(line.quantity) × \(line.item)" + (line.entitlement.map { " (next from \($0.nextEligible)\($0.overridden ? ", OVERRIDDEN" : ""))" } ?? "")
            }
            return "to \(p.recipient) at \(r.site) under \(p.campaign): " + lines.joined(separator: ", ")
        case .cashGranted(let p): return "\(Kopecks.format(p.amount)) UAH to \(p.recipient) from \(p.campaign) by \(p.channel.rawValue)"
        case .stockTransferred(let p): return "\(p.quantity) × \(p.item) from \(r.site) to \(p.toSite)"
        case .stockAdjusted(let p): return "\(p.delta > 0 ? "+" : "")\(p.delta) × \(p.item) at \(r.site), \(p.reason.rawValue)"
        case .eventVoided(let p): return "#\(p.target) (\(p.targetType.name)): \(p.reason)"
        }
    }

    /// Prints rows as aligned columns; numbers right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        for (n, row) in all.enumerated() {
            let cells = row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return i == 0 ? cell + pad : pad + cell
            }
            print(cells.joined(separator: "  "))
            if n == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }

    static func n<T: BinaryInteger>(_ v: T) -> String { Kopecks.grouped(v) }
    static func uah(_ v: Int64) -> String { Kopecks.format(v) }
}

extension String {
    func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
