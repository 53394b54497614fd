import AidLedgerCore
import ArgumentParser

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create an empty ledger in the data directory.")
    @OptionGroup var ledger: LedgerOptions

    func run() throws {
        try reporting(json: ledger.json) {
            let existed = Ledger.exists(at: ledger.directory)
            let l = try ledger.open(create: true)
            print(existed ? "a ledger already exists in \(l.directory); nothing changed" : "created a ledger in \(l.directory)")
            if !existed { print("its secret for document hashes is \(l.directory)/\(LedgerSecret.fileName): back it up separately") }
        }
    }
}

struct DonorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "donor", abstract: "Donors.", subcommands: [Add.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Register a donor.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option(help: "The donor's id, like CARITAS-IF.") var id: String
        @Option(help: "The organisation's name (a private person: a pseudonym, never their name).") var name: String
        @Option(help: "charity, international, city_budget, state_budget, business or individual.") var kind: String
        var input: CommandInput { write.input("donor.add", ["id": id, "name": name, "kind": kind]) }
    }
}

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "site", abstract: "Warehouses and distribution points.", subcommands: [Add.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Register a site.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option var id: String
        @Option var name: String
        @Option(help: "warehouse or distribution_point.") var kind: String
        @Option(help: "The town or village.") var settlement: String
        @Option(help: "urban or rural.") var area: String
        var input: CommandInput { write.input("site.add", ["id": id, "name": name, "kind": kind, "settlement": settlement, "area": area]) }
    }
}

struct ItemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "item", abstract: "The item catalogue.", subcommands: [Add.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Add an item to the catalogue.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option(help: "The item's id, like food-kit.") var id: String
        @Option var name: String
        @Option(help: "food_kit, hygiene_set, baby_food, diapers, winter_clothing, bedding or other.") var category: String
        @Option(help: "kit, box, pack, kg, …") var unit: String
        @Option(help: "Value of one unit in UAH, like 850.00.") var value: String
        var input: CommandInput {
            write.input("item.add", ["id": id, "name": name, "category": category, "unit": unit, "value": value])
        }
    }
}

struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "campaign", abstract: "Programmes and actions.", subcommands: [Add.self, Update.self])

    struct Add: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Create a campaign with its donors, items and entitlement rules.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option var id: String
        @Option var name: String
        @Option(help: "First day, YYYY-MM-DD.") var from: String
        @Option(help: "Last day, YYYY-MM-DD.") var to: String
        @Option(name: .customLong("donor"), help: "A donor funding it (repeatable).") var donors: [String] = []
        @Option(name: .customLong("item"), help: "An item it gives (repeatable).") var items: [String] = []
        @Option(name: .customLong("rule"), help: "ITEM:QTY/DAYSd/household|person, like food-kit:1/30d/household (repeatable).") var rules: [String] = []
        var input: CommandInput {
            write.input("campaign.add", ["id": id, "name": name, "from": from, "to": to], lists: ["donor": donors, "item": items, "rule": rules])
        }
    }

    struct Update: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a running campaign: donors who join or leave it, items it now gives or no longer gives, its rules from now on, its last day.",
            discussion: "What was recorded under the campaign before keeps what was decided then; the change holds from now on.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option var id: String
        @Option(help: "The new last day, YYYY-MM-DD.") var to: String?
        @Option(name: .customLong("donor"), help: "A donor who now funds it (repeatable).") var donors: [String] = []
        @Option(name: .customLong("item"), help: "An item it now gives (repeatable).") var items: [String] = []
        @Option(name: .customLong("rule"), help: "The rules from now on, replacing all of them: ITEM:QTY/DAYSd/household|person (repeatable).") var rules: [String] = []
        @Option(name: .customLong("remove-donor"), help: "A donor who no longer funds it: it takes no more cash or earmarked goods from them (repeatable).")
        var removedDonors: [String] = []
        @Option(name: .customLong("remove-item"), help: "An item it no longer gives; no rule may name it and none of it earmarked for the campaign may be left on hand (repeatable).")
        var removedItems: [String] = []
        var input: CommandInput {
            write.input("campaign.update", ["id": id, "to": to], lists: ["donor": donors, "item": items, "rule": rules, "remove-donor": removedDonors, "remove-item": removedItems])
        }
    }
}

struct RecipientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipient", abstract: "People and households served.", subcommands: [Register.self, Update.self, Show.self, Find.self, Erase.self])

    /// The personal data options, the same for register and update.
    struct PersonalOptions: ParsableArguments {
        @Option(help: "Full name (kept only sealed under the recipient's own key).") var name: String?
        @Option(help: "Date of birth, YYYY-MM-DD.") var birthDate: String?
        @Option(help: "Phone number (an update given \"\" clears it).") var phone: String?
        @Option(help: "Address (an update given \"\" clears it).") var address: String?
        @Option(name: .customLong("member"), help: "A household member: NAME|YYYY-MM-DD|RELATION (repeatable).") var members: [String] = []

        var fields: [String: String?] { ["name": name, "birth-date": birthDate, "phone": phone, "address": address] }
    }

    struct Update: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a recipient's personal data or household (what is given replaces, what is not given stays), or add documents.",
            discussion: "A new size, category, area or settlement holds from this event on: the rules per person and the earmarks for a group follow it, and every donor's and campaign's reach counts the household as it is now. Reports count each household as it was when served.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option var id: String
        @OptionGroup var personal: PersonalOptions
        @Option(name: .customLong("document"), help: "TYPE:NUMBER to add (repeatable).") var documents: [String] = []
        @Option(help: "People in the household now (a household's; an individual stays 1).") var size: String?
        @Option(help: "The category now: idp, difficult_circumstances, disability, servicemen_family, fallen_servicemen_family, orphan_care, older_alone, veteran or other.")
        var category: String?
        @Option(help: "urban or rural, now.") var area: String?
        @Option(help: "The settlement the household lives in now.") var settlement: String?
        var input: CommandInput {
            write.input("recipient.update", personal.fields.merging(["id": id, "size": size, "category": category, "area": area, "settlement": settlement]) { $1 },
                        lists: ["document": documents, "member": personal.members])
        }
    }

    struct Erase: RecordingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a recipient's personal data: their data key is destroyed; their aid stays in the books.",
            discussion: "While the server runs, erase through its API (admin role): the key store is rewritten without the key.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Argument var id: String
        @Option(help: "Why (the person's request, its date and reference).") var reason: String
        var input: CommandInput { write.input("recipient.erase", ["id": id, "reason": reason]) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A recipient's card, with their personal data opened (needs the master key).")
        @OptionGroup var ledger: LedgerOptions
        @Argument var id: String

        func run() throws {
            try reporting(json: ledger.json) {
                let l = try ledger.open()
                let balance = try l.recipientBalance(id)
                var personal: JSONValue = .null
                var note = ""
                do {
                    personal = try l.personalData(of: id)?.json ?? .null
                } catch let e as LedgerError where e.code == .recipientErased || e.code == .keyMissing {
                    note = e.message
                }
                if ledger.json {
                    return print(JSONValue.object([("recipient", balance.json), ("personal", personal), ("note", note.isEmpty ? .null : .string(note))]).serialized)
                }
                BalancePrinter.recipient(balance, json: false)
                if case .object(let fields) = personal {
                    for (k, v) in fields where v != .null {
                        if case .array(let members) = v {
                            for m in members { print("member: \(m["name"]?.stringValue ?? "") (\(m["relation"]?.stringValue ?? ""), \(m["birth_date"]?.stringValue ?? "-"))") }
                        } else if let text = v.stringValue {
                            print("\(k.replacingOccurrences(of: "_", with: " ")): \(text)")
                        }
                    }
                }
                if !note.isEmpty { print(note) }
            }
        }
    }

    struct Register: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Register a person or household under a pseudonymous id.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option(help: "A pseudonymous id, like R-000123 (never a name).") var id: String
        @Option(help: "individual or household.") var kind: String
        @Option(help: "People in the household.") var size: String?
        @Option(help: "idp, difficult_circumstances, disability, servicemen_family, fallen_servicemen_family, orphan_care, older_alone, veteran or other.")
        var category: String
        @Option(help: "urban or rural.") var area: String
        @Option var settlement: String
        @Option(name: .customLong("document"), help: "TYPE:NUMBER (idp_certificate, tax_number, passport, unzr); kept only as a keyed hash (repeatable).")
        var documents: [String] = []
        @OptionGroup var personal: PersonalOptions
        var input: CommandInput {
            write.input("recipient.register", personal.fields.merging(["id": id, "kind": kind, "size": size, "category": category, "area": area, "settlement": settlement]) { $1 },
                        lists: ["document": documents, "member": personal.members])
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Find who holds an identity document (by its keyed hash).")
        @OptionGroup var ledger: LedgerOptions
        @Option(help: "TYPE:NUMBER, like passport:AA123456.") var document: String

        func run() throws {
            try reporting(json: ledger.json) {
                let parts = document.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else { throw LedgerError(.invalidField, "write the document as TYPE:NUMBER") }
                let type = try DocumentType.parse(String(parts[0]))
                let l = try ledger.open()
                guard let id = try l.recipient(holding: type, String(parts[1])) else {
                    throw LedgerError(.unknownRecipient, "no recipient holds this \(type.rawValue)")
                }
                print(ledger.json ? JSONValue.object([("recipient", .string(id))]).serialized : id)
            }
        }
    }
}
