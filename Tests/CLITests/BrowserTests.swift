import AidLedgerCore
import Foundation
import Testing

/// The counter page in a real browser (Debian's headless Chromium through Selenium), against the real
/// `aidledger serve` process on loopback.
@Suite struct BrowserTests {
    let cli = CLI()

    @Test func anIssuanceChangesTheStockShownAndASecondClickDoesNotIssueTwice() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") else {
            Issue.record("Chromium is not installed; make test installs chromium, chromium-driver and python3-selenium")
            return
        }
        #expect(try cli("demo", "--households", "30").status == 0)
        // A second campaign with a rule, running today: the card shows what the household may receive under each.
        let today = BusinessDate.today()
        #expect(try cli("campaign", "add", "--id", "SPRING", "--name", "Spring hygiene", "--from", today.adding(days: -10).description,
                        "--to", today.adding(days: 30).description, "--donor", "CARITAS", "--item", "hygiene-set", "--rule", "hygiene-set:2/30d/household").status == 0)
        // Food kits a donor earmarked for veterans: on hand at the point, but not for the displaced household below.
        #expect(try cli("intake", "goods", "--site", "DP-CENTRE", "--donor", "CARITAS", "--item", "food-kit", "--quantity", "7",
                        "--document", "W-VET-1", "--for-category", "veteran").status == 0)
        let token = try cli("token", "create", "--role", "warehouse", "--name", "counter-7").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let server = try cli.start(["serve", "--port", "0"])
        defer { server.terminate(); server.waitUntilExit() }
        let url = try cli.waitForURL(server)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path + "/Browser/counter_page.py"
        let office = try cli("token", "create", "--role", "accountant", "--name", "office-1").out.trimmingCharacters(in: .whitespacesAndNewlines)
        let run = try cli.shell(["/usr/bin/python3", script, url, token, "R-WEB-1", office])
        #expect(run.status == 0, "\(run.err)")
        guard let seen = try? JSONValue.parse(run.out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            Issue.record("the browser script printed no result: \(run.out) \(run.err)")
            return
        }
        #expect(seen["title_uk"] == .string("AidLedger — видача допомоги"))
        #expect(seen["registered_name_shown"] == .bool(true))
        #expect(seen["eligible_before"] == .bool(true))
        #expect(seen["card_in_view"] == .bool(true))
        #expect(seen["updated_card"]?.stringValue?.contains("Ірина Бондар") == true, "the name stays after a new phone")
        #expect(seen["found_by_new_document"] == .bool(true))
        // The accountant's change of the rule, made while the page was open, shows at the next household found.
        #expect(seen["rule_after_office_change"] == .string("food-kit:2/30d/household"), "\(seen["rule_after_office_change"] ?? .null)")
        #expect(seen["named_at_counter"]?.stringValue?.contains("Марія Савчук · +380991230000") == true, "\(seen["named_at_counter"] ?? .null)")
        // The category chosen at the counter is the household's now, and its log says from what to what.
        if case .array(let change)? = seen["category_at_counter"], change.count == 3, let before = change[0].stringValue, let wanted = change[1].stringValue {
            #expect(change[2] == change[1])
            #expect(seen["card_changed"]?.stringValue?.contains("#") == true, "the card names the change: \(seen["card_changed"] ?? .null)")
            #expect(try cli("log", "--entity", "R-000002", "--type", "recipient_updated").out.contains("\(before), "), "the log names the old category")
            #expect(try cli("balance", "recipient", "R-000002").out.contains(wanted))
        } else {
            Issue.record("the counter changed no category: \(seen["category_at_counter"] ?? .null)")
        }
        #expect(seen["card_campaigns"] == .array([.string("SPRING"), .string("WINTER")]))
        guard case .number(let before)? = seen["stock_before"], case .number(let after)? = seen["stock_after"] else {
            Issue.record("no stock figures: \(run.out)")
            return
        }
        #expect(Int(after)! == Int(before)! - 1)  // the double tap issued one kit
        #expect(seen["eligible_after"] == .bool(false))
        // Beside the item to issue: the units this household may take, not the veterans' seven; the stock table says
        // whom those are for.
        if case .number(let after)? = seen["stock_after"] {
            #expect(seen["item_option"]?.stringValue?.hasSuffix("(\(Int(after)! - 7) од.)") == true, "\(seen["item_option"] ?? .null)")
        }
        #expect(seen["food_kit_earmarks"] == .string("7 → ветеран"), "\(seen["food_kit_earmarks"] ?? .null)")
        #expect(seen["next_date_shown"] == .bool(true))
        #expect(seen["second_issue_error"]?.stringValue?.contains("entitlement_exceeded") == true)
        // The refusal says what it means in the page's language (Ukrainian unless switched) before the ledger's words.
        #expect(seen["second_issue_error"]?.stringValue?.hasPrefix("Норму вже отримано") == true)
        #expect(seen["title_en"] == .string("AidLedger — aid distribution"))
        #expect(seen["receipt_printable"] == .bool(true))
        // The period report on the page splits the value issued by funding source and names each donor.
        #expect(seen["report_funding"]?.stringValue?.contains("Issued from public funds") == true, "\(seen["report_funding"] ?? .null)")
        #expect(seen["report_funding"]?.stringValue?.contains("CITY") == true)
        #expect(seen["report_served"]?.stringValue?.contains("rural") == true)
        // The report says what changed it after a record: the counter's issuance after it is listed.
        if case .array(let added)? = seen["report_changes_added"], let receipt = seen["receipt_position"] {
            #expect(added.contains(receipt), "\(added) should hold \(receipt)")
        } else {
            Issue.record("the page listed no changes: \(seen["report_changes_added"] ?? .null)")
        }
        // A donor's report on the page: CARITAS's aid alone, no other donor's money in it.
        let donorFunding = seen["donor_report_funding"]?.stringValue ?? ""
        #expect(donorFunding.contains("CARITAS") && !donorFunding.contains("CITY") && !donorFunding.contains("UNICEF"), "\(donorFunding)")
        // Beside each donor's figures, where what is left of their goods lies.
        #expect(seen["donor_stock_where"]?.stringValue?.contains("DP-CENTRE · ") == true, "\(seen["donor_stock_where"] ?? .null)")
        // The sample drawn on the page is the one the command line draws from the same seed and period.
        if case .array(let period)? = seen["sample_period"], let from = period.first?.stringValue, let to = period.last?.stringValue {
            let drawn = try JSONValue.parse(try cli("sample", "--from", from, "--to", to, "--size", "5", "--seed", "audit-web", "--json").out)
            guard case .array(let events)? = drawn["events"] else { Issue.record("no sample from the command line"); return }
            #expect(seen["sample_positions"] == .array(events.compactMap { $0["position"] }))
            let byValue = try JSONValue.parse(try cli("sample", "--from", from, "--to", to, "--size", "5", "--seed", "audit-web", "--donor", "CARITAS", "--by-value", "--json").out)
            guard case .array(let valued)? = byValue["events"] else { Issue.record("no sample by value from the command line"); return }
            #expect(seen["value_sample_positions"] == .array(valued.compactMap { $0["position"] }))
        } else {
            Issue.record("the page drew no sample: \(run.out)")
        }
        // The name typed at the counter is nowhere in the data file.
        let data = try Data(contentsOf: URL(fileURLWithPath: cli.data + "/events/data.mdb"))
        #expect(data.range(of: Data("Ірина Бондар".utf8)) == nil)
        // The ledger holds the issuance and the supervisor's one, recorded under the token's name with the reason.
        let log = try cli("log", "--entity", "R-WEB-1", "--type", "goods_issued", "--json").out
        #expect(log.split(separator: "\n").count == 2)
        #expect(log.contains("\"override_reason\":\"house fire, act 12\""))
        #expect(log.contains("\"actor\":\"counter-7\""))
        if case .number(let position)? = seen["receipt_position"] { #expect(log.contains("\"position\":\(position)")) }
        if case .string(let hash)? = seen["receipt_hash"] { #expect(log.contains(hash)) }
    }
}
