import AidLedgerCore
import ArgumentParser

struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "intake", abstract: "Record a donor's delivery of goods or payment of cash.", subcommands: [Goods.self, Cash.self])

    struct Goods: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Goods arrive at a site: a new lot.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option(help: "The site the goods arrive at.") var site: String
        @Option(help: "The donor who gave them; the lot keeps its donor for its whole life.") var donor: String
        @Option(help: "The campaign the donor earmarked the goods for, if any.") var campaign: String?
        @Option(help: "The catalogue's item id.") var item: String
        @Option(help: "Units received.") var quantity: String
        @Option(help: "Value of one unit in UAH (default: the catalogue's).") var value: String?
        @Option(help: "Expiry date, YYYY-MM-DD.") var expires: String?
        @Option(help: "The waybill or acceptance act.") var document: String
        @Option(help: "The group the donor wants served (a recipient category, like servicemen_family): issued only to them.") var forCategory: String?
        var input: CommandInput {
            write.input(
                "intake.goods",
                ["site": site, "donor": donor, "campaign": campaign, "item": item, "quantity": quantity, "value": value, "expires": expires, "document": document,
                 "for-category": forCategory])
        }
    }

    struct Cash: RecordingCommand {
        static let configuration = CommandConfiguration(abstract: "Cash paid into a campaign.")
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var write: WriteOptions
        @Option(help: "The donor who paid.") var donor: String
        @Option(help: "The campaign the cash is for.") var campaign: String
        @Option(help: "UAH, like 18000 or 18000.50.") var amount: String
        @Option(help: "The payment order or budget decision.") var document: String
        var input: CommandInput { write.input("intake.cash", ["donor": donor, "campaign": campaign, "amount": amount, "document": document]) }
    }
}

struct IssueCommand: RecordingCommand {
    static let configuration = CommandConfiguration(commandName: "issue", abstract: "Give goods to a recipient at a site under a campaign.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "The site the goods are issued at (its stock is drawn on).") var site: String
    @Option(help: "The recipient's id (find it by a document with `aidledger recipient find`).") var recipient: String
    @Option(help: "The campaign issuing them (its entitlement rules apply).") var campaign: String
    @Option(name: .customLong("item"), help: "ITEM or ITEM:QTY (repeatable).") var items: [String] = []
    @Option(help: "Units of the one item (default 1).") var quantity: String?
    @Option(help: "A supervisor's reason to issue beyond the entitlement; recorded in the event.") var overrideReason: String?
    var input: CommandInput {
        write.input("issue", ["site": site, "recipient": recipient, "campaign": campaign, "quantity": quantity, "override-reason": overrideReason], lists: ["item": items])
    }
}

struct GrantCommand: RecordingCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Pay a cash grant to a recipient from a campaign's cash.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "The recipient's id.") var recipient: String
    @Option(help: "The campaign whose cash is paid.") var campaign: String
    @Option(help: "UAH, like 450 or 450.50.") var amount: String
    @Option(help: "cash_desk, bank_transfer or post (default cash_desk).") var channel: String?
    @Option(help: "The payment order or receipt.") var reference: String?
    var input: CommandInput {
        write.input("grant", ["recipient": recipient, "campaign": campaign, "amount": amount, "channel": channel, "reference": reference])
    }
}

struct TransferCommand: RecordingCommand {
    static let configuration = CommandConfiguration(commandName: "transfer", abstract: "Move stock from one site to another.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "The site the stock leaves.") var from: String
    @Option(help: "The site it arrives at.") var to: String
    @Option(help: "The catalogue's item id.") var item: String
    @Option(help: "Units moved (the lots keep their donor and expiry).") var quantity: String
    var input: CommandInput { write.input("transfer", ["from": from, "to": to, "item": item, "quantity": quantity]) }
}

struct AdjustCommand: RecordingCommand {
    static let configuration = CommandConfiguration(commandName: "adjust", abstract: "Change stock by a delta with a reason (damaged, expired, lost, found, count_correction).")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "The site whose stock changes.") var site: String
    @Option(help: "The catalogue's item id.") var item: String
    @Option(parsing: .unconditional, help: "Units to add (positive) or remove (negative), like -3.") var delta: String
    @Option(help: "damaged, expired, lost, found or count_correction.") var reason: String
    @Option(help: "What happened, in words.") var note: String?
    @Option(help: "The lot (its intake's position); required when adding.") var lot: String?
    var input: CommandInput {
        write.input("adjust", ["site": site, "item": item, "delta": delta, "reason": reason, "note": note, "lot": lot])
    }
}

struct VoidCommand: RecordingCommand {
    static let configuration = CommandConfiguration(commandName: "void", abstract: "Reverse an earlier intake, issuance, grant, transfer or adjustment.")
    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var write: WriteOptions
    @Option(help: "The position of the event to void.") var position: String
    @Option(help: "Why, in words; kept in the void's event.") var reason: String
    var input: CommandInput { write.input("void", ["position": position, "reason": reason]) }
}
