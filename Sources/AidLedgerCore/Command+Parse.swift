extension Command {
    /// Checks every field of `input` and builds the command; nothing touches the ledger yet.
    /// - Parameter actor: who is recording, when the input does not say (the operator or the API token's name).
    /// - Throws: `LedgerError` naming the field that is missing or wrong.
    public static func parse(_ input: CommandInput, actor defaultActor: String) throws(LedgerError) -> Command {
        guard let allowed = verbs[input.verb] else {
            throw LedgerError(.unknownCommand, "\"\(Identifier.printable(input.verb))\" is not a command; known: \(verbs.keys.sorted().joined(separator: ", "))")
        }
        for key in input.fields.keys.sorted() where !allowed.contains(key) && !commonFields.contains(key) {
            throw LedgerError(.unknownField, "\(input.verb) does not take a field \"\(Identifier.printable(key))\"; it takes: \(allowed.sorted().joined(separator: ", "))")
        }
        let f = FieldReader(input: input)
        let id = try Identifier.validate(try f.required("command-id"), field: "command id")
        let actor = try f.text("actor") ?? defaultActor
        let date = try f.date("date")
        let expected = try f.optional("expect-version").map { (v: String) throws(LedgerError) -> UInt64 in
            guard let n = UInt64(v) else { throw LedgerError(.invalidField, "expect-version \"\(Identifier.printable(v))\" is not a version number") }
            return n
        }
        let action: Action
        switch input.verb {
        case "donor.add":
            action = .registerDonor(DonorRegistered(donor: try f.id("id"), name: try f.requiredText("name"), kind: try DonorKind.parse(try f.required("kind"))))
        case "site.add":
            action = .registerSite(SiteRegistered(
                site: try f.id("id"), name: try f.requiredText("name"), kind: try SiteKind.parse(try f.required("kind")),
                settlement: try f.requiredText("settlement"), area: try Area.parse(try f.required("area"))))
        case "item.add":
            action = .registerItem(ItemRegistered(
                item: try f.id("id"), name: try f.requiredText("name"), category: try ItemCategory.parse(try f.required("category")),
                unit: try f.requiredText("unit"), valuePerUnit: try f.positiveAmount("value")))
        case "campaign.add":
            let starts = try f.requiredDate("from")
            let ends = try f.requiredDate("to")
            guard starts <= ends else { throw LedgerError(.invalidDate, "the campaign ends (\(ends)) before it starts (\(starts))") }
            let rules = try f.list("rule").map { (r: String) throws(LedgerError) in try EntitlementRule.parse(r) }
            action = .createCampaign(CampaignCreated(
                campaign: try f.id("id"), name: try f.requiredText("name"), starts: starts, ends: ends,
                donors: try f.ids("donor"), items: try f.ids("item"), rules: rules))
        case "campaign.update":
            let ends = try f.optional("to").map { (d: String) throws(LedgerError) in try BusinessDate.parse(d, field: "to") }
            let rules = try f.list("rule").map { (r: String) throws(LedgerError) in try EntitlementRule.parse(r) }
            let (donors, items) = (try f.ids("donor"), try f.ids("item"))
            let (removedDonors, removedItems) = (try f.ids("remove-donor"), try f.ids("remove-item"))
            guard ends != nil || !donors.isEmpty || !items.isEmpty || !rules.isEmpty || !removedDonors.isEmpty || !removedItems.isEmpty else {
                throw LedgerError(.missingField, "give what changes: a new last day (to), a donor or an item to add or remove, or the rules from now on")
            }
            for (added, removed, noun) in [(donors, removedDonors, "donor"), (items, removedItems, "item")] {
                if let both = added.first(where: removed.contains) {
                    throw LedgerError(.invalidField, "\(noun) \(both) is both added and removed: give one or the other")
                }
            }
            action = .updateCampaign(
                campaign: try f.id("id"), ends: ends, donors: donors, items: items, rules: rules.isEmpty ? nil : rules,
                removedDonors: removedDonors, removedItems: removedItems)
        case "recipient.register":
            let kind = try RecipientKind.parse(try f.required("kind"))
            let size = try f.householdSize() ?? 1
            if kind == .individual && size != 1 { throw Command.individualSize(size) }
            action = .registerRecipient(RecipientRegistered(
                recipient: try f.id("id"), kind: kind, householdSize: size, category: try RecipientCategory.parse(try f.required("category")),
                area: try Area.parse(try f.required("area")), settlement: try f.requiredText("settlement"), documents: []),
                documents: try f.documents(), personal: try f.personalData(required: false))
        case "recipient.update":
            let personal = try f.personalChange()
            let documents = try f.documents()
            let settlement = try f.text("settlement")
            if settlement?.isEmpty == true { throw LedgerError(.missingField, "settlement is empty; give the settlement the household lives in now") }
            let profile = RecipientProfile.Edit(
                householdSize: try f.householdSize(), category: try f.optional("category").map { (c: String) throws(LedgerError) in try RecipientCategory.parse(c) },
                area: try f.optional("area").map { (a: String) throws(LedgerError) in try Area.parse(a) }, settlement: settlement)
            guard personal != nil || !documents.isEmpty || !profile.isEmpty else {
                throw LedgerError(.missingField, "give new personal data (name, phone, …), a document to add, or the household's new size, category, area or settlement")
            }
            action = .updateRecipient(recipient: try f.id("id"), documents: documents, personal: personal, profile: profile)
        case "recipient.erase":
            action = .eraseRecipient(recipient: try f.id("id"), reason: try f.requiredText("reason"))
        case "intake.goods":
            let quantity = try f.positiveInt(try f.required("quantity"), field: "quantity")
            let value = try f.optional("value").map { (v: String) throws(LedgerError) in try f.positiveAmount(v, field: "value") }
            action = .receiveGoods(site: try f.id("site"), GoodsReceived(
                donor: try f.id("donor"), campaign: try f.optionalID("campaign"), item: try f.id("item"), quantity: quantity,
                valuePerUnit: value ?? 0, expires: try f.date("expires"), document: try f.requiredText("document"),
                forCategory: try f.optional("for-category").map { (c: String) throws(LedgerError) in try RecipientCategory.parse(c, field: "for-category") }),
                valueGiven: value != nil)
        case "intake.cash":
            action = .receiveCash(CashReceived(
                donor: try f.id("donor"), campaign: try f.id("campaign"), amount: try f.positiveAmount("amount"), document: try f.requiredText("document")))
        case "issue":
            var lines: [(item: String, quantity: Int64)] = []
            let items = try f.list("item")
            guard !items.isEmpty else { throw LedgerError(.missingField, "say which item to issue (item)") }
            let quantity = try f.optional("quantity").map { (q: String) throws(LedgerError) in try f.positiveInt(q, field: "quantity") }
            if quantity != nil && items.count > 1 {
                throw LedgerError(.invalidField, "with several items write each as ITEM:QUANTITY instead of giving quantity")
            }
            for entry in items {
                let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let item = try Identifier.validate(String(parts[0]), field: "item")
                let q = parts.count == 2 ? try f.positiveInt(String(parts[1]), field: "quantity of \(item)") : (quantity ?? 1)
                if let i = lines.firstIndex(where: { $0.item == item }) {
                    lines[i].quantity = try lines[i].quantity.adding(q, describing: "the quantity of \(item)")
                } else {
                    lines.append((item, q))
                }
            }
            action = .issue(site: try f.id("site"), recipient: try f.id("recipient"), campaign: try f.id("campaign"), lines: lines, overrideReason: try f.text("override-reason"))
        case "grant":
            action = .grant(
                recipient: try f.id("recipient"), campaign: try f.id("campaign"), amount: try f.positiveAmount("amount"),
                channel: try GrantChannel.parse(try f.optional("channel") ?? "cash_desk"), reference: try f.text("reference") ?? "")
        case "transfer":
            action = .transfer(from: try f.id("from"), to: try f.id("to"), item: try f.id("item"), quantity: try f.positiveInt(try f.required("quantity"), field: "quantity"))
        case "adjust":
            let raw = try f.required("delta")
            guard let delta = Int64(raw), delta != 0, delta != .min else {
                throw LedgerError(.invalidQuantity, "delta \"\(Identifier.printable(raw))\" must be a whole number of units other than 0, like -3 or 2")
            }
            let reason = try AdjustmentReason.parse(try f.required("reason"))
            if [.damaged, .expired, .lost].contains(reason) && delta > 0 {
                throw LedgerError(.invalidQuantity, "goods \(reason.rawValue) leave the stock: the delta must be negative, like -\(delta)")
            }
            if reason == .found && delta < 0 {
                throw LedgerError(.invalidQuantity, "found goods add to the stock: the delta must be positive, like \(-delta)")
            }
            action = .adjust(site: try f.id("site"), item: try f.id("item"), delta: delta, reason: reason, note: try f.text("note") ?? "", lot: try f.position("lot"))
        case "void":
            guard let target = try f.position("position") else { throw LedgerError(.missingField, "say which event to void (position)") }
            action = .void(target: target, reason: try f.requiredText("reason"))
        default:
            throw LedgerError(.unknownCommand, "\"\(input.verb)\" is not a command")
        }
        return Command(id: id, actor: actor, date: date, expectedVersion: expected, action: action, input: input)
    }

    /// An individual is one person: a size above 1 is a household's.
    static func individualSize(_ size: Int64) -> LedgerError {
        LedgerError(.invalidQuantity, "an individual recipient has size 1, not \(size); register a household instead")
    }
}

/// Reads and checks the fields of a `CommandInput`.
struct FieldReader {
    let input: CommandInput

    func optional(_ name: String) throws(LedgerError) -> String? {
        guard let values = input.fields[name], !values.isEmpty else { return nil }
        guard values.count == 1 else { throw LedgerError(.invalidField, "\(name) is given \(values.count) times; give it once") }
        return values[0]
    }

    func required(_ name: String) throws(LedgerError) -> String {
        guard let v = try optional(name), !v.isEmpty else { throw LedgerError(.missingField, "\(name) is missing") }
        return v
    }

    func list(_ name: String) throws(LedgerError) -> [String] { input.fields[name] ?? [] }

    func id(_ name: String) throws(LedgerError) -> String { try Identifier.validate(try required(name), field: name) }

    func optionalID(_ name: String) throws(LedgerError) -> String? {
        try optional(name).map { (v: String) throws(LedgerError) in try Identifier.validate(v, field: name) }
    }

    func ids(_ name: String) throws(LedgerError) -> [String] {
        try list(name).map { (v: String) throws(LedgerError) in try Identifier.validate(v, field: name) }
    }

    /// Free text (names, references, reasons): at most 200 characters, no control characters.
    func text(_ name: String) throws(LedgerError) -> String? {
        guard let v = try optional(name) else { return nil }
        // Characters, not bytes: a name in Cyrillic takes two bytes a letter (counting only when it may matter).
        guard v.utf8.count <= 200 || v.count <= 200 else { throw LedgerError(.invalidField, "\(name) is \(v.count) characters long; at most 200 are allowed") }
        guard !v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw LedgerError(.invalidField, "\(name) contains a control character (a line break or tab, say)")
        }
        return v.trimmingSpaces
    }

    func requiredText(_ name: String) throws(LedgerError) -> String {
        guard let v = try text(name), !v.isEmpty else { throw LedgerError(.missingField, "\(name) is missing") }
        return v
    }

    func date(_ name: String) throws(LedgerError) -> BusinessDate? {
        try optional(name).map { (v: String) throws(LedgerError) in try BusinessDate.parse(v, field: name) }
    }

    func requiredDate(_ name: String) throws(LedgerError) -> BusinessDate { try BusinessDate.parse(try required(name), field: name) }

    /// The people in a household (`size`), when given: 1 to 50.
    func householdSize() throws(LedgerError) -> Int64? {
        try optional("size").map { (s: String) throws(LedgerError) in
            try positiveInt(s, field: "size", most: 50) { "a household of \($0) people is not plausible; at most 50" }
        }
    }

    /// A whole number above 0 and at most `most`; `tooMany` says what is wrong with a larger one.
    func positiveInt(_ text: String, field: String, most: Int64 = 1_000_000_000, tooMany: ((String) -> String)? = nil) throws(LedgerError) -> Int64 {
        guard text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), !text.isEmpty else {
            throw LedgerError(.invalidQuantity, "\(field) \"\(Identifier.printable(text))\" must be a whole number of units above 0")
        }
        guard let n = Int64(text), n <= most else {
            throw LedgerError(.invalidQuantity, tooMany?(Identifier.printable(text)) ?? "\(field) \(Identifier.printable(text)) is more than a billion units")
        }
        guard n > 0 else { throw LedgerError(.invalidQuantity, "\(field) must be above 0") }
        return n
    }

    func positiveAmount(_ name: String) throws(LedgerError) -> Int64 { try positiveAmount(try required(name), field: name) }

    func positiveAmount(_ text: String, field: String) throws(LedgerError) -> Int64 {
        let k = try Kopecks.parse(text, field: field)
        guard k.value > 0 else { throw LedgerError(.invalidAmount, "\(field) must be above 0") }
        return k.value
    }

    /// `TYPE:NUMBER` documents, numbers normalised.
    func documents() throws(LedgerError) -> [(DocumentType, String)] {
        try list("document").map { (d: String) throws(LedgerError) -> (DocumentType, String) in
            let parts = d.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else {
                throw LedgerError(.invalidField, "a document is written TYPE:NUMBER, like idp_certificate:0312-5551234")
            }
            let number = DocumentNumber.normalise(String(parts[1]))
            guard !number.isEmpty, number.count <= 40 else { throw LedgerError(.invalidField, "the \(parts[0]) number is empty or longer than 40 characters") }
            return (try DocumentType.parse(String(parts[0])), number)
        }
    }

    /// Personal data from `name`, `birth-date`, `phone`, `address` and `member` (NAME|YYYY-MM-DD|RELATION); nil when no name is given.
    func personalData(required: Bool) throws(LedgerError) -> PersonalData? {
        guard let name = try text("name"), !name.isEmpty else {
            let others = ["birth-date", "phone", "address", "member"].filter { input.fields[$0] != nil }
            if !others.isEmpty || required { throw LedgerError(.missingField, "personal data needs the full name (name)") }
            return nil
        }
        return PersonalData(fullName: name, birthDate: try date("birth-date").map(\.description), phone: try text("phone"), address: try text("address"), members: try members())
    }

    /// The personal data an update changes (nil when it changes none): a field given empty clears it; the name
    /// cannot be cleared.
    func personalChange() throws(LedgerError) -> PersonalChange? {
        guard ["name", "birth-date", "phone", "address", "member"].contains(where: { input.fields[$0] != nil }) else { return nil }
        let name = try text("name")
        if name?.isEmpty == true { throw LedgerError(.invalidField, "the full name (name) cannot be cleared; give the new one") }
        let birth = try optional("birth-date").map { (d: String) throws(LedgerError) in d.isEmpty ? "" : try BusinessDate.parse(d, field: "birth-date").description }
        return PersonalChange(
            fullName: name, birthDate: birth, phone: try text("phone"), address: try text("address"),
            members: input.fields["member"] == nil ? nil : try members())
    }

    /// The household's members, each NAME|YYYY-MM-DD|RELATION (the date may be empty).
    private func members() throws(LedgerError) -> [PersonalData.Member] {
        try list("member").map { (m: String) throws(LedgerError) -> PersonalData.Member in
            let parts = m.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty, parts.allSatisfy({ $0.count <= 200 }) else {
                throw LedgerError(.invalidField, "a member is written NAME|BIRTH-DATE|RELATION, like Olena Petrenko|2016-04-02|daughter (the date may be empty)")
            }
            let memberBirth = parts[1].isEmpty ? nil : try BusinessDate.parse(parts[1], field: "member birth date").description
            return PersonalData.Member(name: parts[0], birthDate: memberBirth, relation: parts[2])
        }
    }

    func position(_ name: String) throws(LedgerError) -> UInt64? {
        try optional(name).map { (v: String) throws(LedgerError) -> UInt64 in
            let digits = v.hasPrefix("#") ? String(v.dropFirst()) : v
            guard let p = UInt64(digits), p > 0 else { throw LedgerError(.invalidField, "\(name) \"\(Identifier.printable(v))\" is not an event position like 42") }
            return p
        }
    }
}

extension String {
    var trimmingSpaces: String {
        let u = utf8
        guard u.first == UInt8(ascii: " ") || u.last == UInt8(ascii: " ") else { return self }
        let start = u.firstIndex { $0 != UInt8(ascii: " ") } ?? u.endIndex
        let end = u[start...].lastIndex { $0 != UInt8(ascii: " ") }.map { u.index(after: $0) } ?? start
        return String(self[start..<end])
    }
}

/// How document numbers are compared: spaces and dashes dropped, letters in upper case,
/// so "АА 123456" and "аа123456" are the same passport.
public enum DocumentNumber {
    public static func normalise(_ number: String) -> String {
        String(number.uppercased().filter { !$0.isWhitespace && $0 != "-" })
    }
}
