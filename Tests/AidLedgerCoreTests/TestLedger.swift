import AidLedgerCore
import Foundation
import LMDBStore

/// A ledger in a fresh temporary directory, with helpers that read like the counter's work.
final class TestLedger {
    let directory: String
    var ledger: Ledger!
    private var counter = 0
    /// The replay's chunk the ledger was made with, kept when `tamper` reopens it.
    private let replayChunk: Int

    /// `replayChunk`: events a replay projects between commits (small, to replay in many steps).
    /// `milestoneEvery`: events between the copies an as-of replay keeps (small, to pass several).
    init(replayChunk: Int = 50_000, milestoneEvery: UInt64 = 1_000_000) throws {
        directory = NSTemporaryDirectory() + "aidledger-test-" + UUID().uuidString
        self.replayChunk = replayChunk
        ledger = try Ledger(directory: directory, create: true, replayChunk: replayChunk, milestoneEvery: milestoneEvery)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func reopen(replayChunk: Int = 50_000, milestoneEvery: UInt64 = 1_000_000) throws {
        ledger = nil  // LMDB allows one open environment per file and process
        ledger = try Ledger(directory: directory, replayChunk: replayChunk, milestoneEvery: milestoneEvery)
    }

    /// Closes the ledger and hands its raw LMDB environment to `body`, as someone editing the file would.
    func tamper(databases: [String] = ["log", "meta", "stock"], reopen: Bool = true, _ body: (Environment) throws -> Void) throws {
        ledger = nil
        do {
            let env = try Environment(path: directory + "/" + Ledger.eventsDirectory, databases: databases)
            try body(env)
        }
        if reopen { ledger = try Ledger(directory: directory, replayChunk: replayChunk) }
    }

    /// Builds a command with a fresh command id unless one is given.
    func command(_ verb: String, _ fields: [String: String], lists: [String: [String]] = [:], id: String? = nil) throws -> Command {
        counter += 1
        var input = CommandInput(verb: verb, fields: fields.mapValues { [$0] })
        for (k, v) in lists { input.append(k, v) }
        input.set("command-id", id ?? "t-\(counter)")
        return try Command.parse(input, actor: "tester")
    }

    @discardableResult
    func submit(_ verb: String, _ fields: [String: String], lists: [String: [String]] = [:], id: String? = nil) throws -> Outcome {
        try ledger.submit(try command(verb, fields, lists: lists, id: id))
    }

    /// The error a command is rejected with (nil when it was recorded).
    func rejection(_ verb: String, _ fields: [String: String], lists: [String: [String]] = [:]) -> LedgerError? {
        do {
            try submit(verb, fields, lists: lists)
            return nil
        } catch let e as LedgerError {
            return e
        } catch {
            return LedgerError(.storage, "\(error)")
        }
    }

    var headPosition: UInt64 { (try? ledger.head().position) ?? 0 }

    /// A programme with one donor of each main kind, a warehouse and a point, two items, a winter
    /// campaign with rules, a household of four and an individual, and stock at the point.
    func standardWorld() throws {
        try submit("donor.add", ["id": "CARITAS", "name": "Caritas", "kind": "charity"])
        try submit("donor.add", ["id": "CITY", "name": "City budget", "kind": "city_budget"])
        try submit("site.add", ["id": "WH", "name": "Warehouse", "kind": "warehouse", "settlement": "Kalush", "area": "urban"])
        try submit("site.add", ["id": "DP", "name": "Point", "kind": "distribution_point", "settlement": "Kalush", "area": "urban"])
        try submit("item.add", ["id": "food-kit", "name": "Food kit", "category": "food_kit", "unit": "kit", "value": "850"])
        try submit("item.add", ["id": "hygiene-set", "name": "Hygiene set", "category": "hygiene_set", "unit": "set", "value": "420.50"])
        try submit("item.add", ["id": "bedding", "name": "Bedding", "category": "bedding", "unit": "set", "value": "600"])
        try submit("campaign.add", ["id": "WINTER", "name": "Winter", "from": "2025-01-01", "to": "2030-12-31"],
                   lists: ["donor": ["CARITAS", "CITY"], "item": ["food-kit", "hygiene-set"], "rule": ["food-kit:1/30d/household", "hygiene-set:1/30d/person"]])
        try submit("campaign.add", ["id": "CASH", "name": "Cash aid", "from": "2025-01-01", "to": "2030-12-31"], lists: ["donor": ["CITY"]])
        try submit("recipient.register", ["id": "H-1", "kind": "household", "size": "4", "category": "idp", "area": "urban", "settlement": "Kalush"],
                   lists: ["document": ["idp_certificate:0312-5551234"]])
        try submit("recipient.register", ["id": "P-1", "kind": "individual", "category": "older_alone", "area": "rural", "settlement": "Kropyvnyk"],
                   lists: ["document": ["tax_number:1234567890"]])
        try submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "food-kit", "quantity": "10", "document": "waybill 1", "date": "2026-11-01"])
        try submit("intake.goods", ["site": "DP", "donor": "CARITAS", "item": "hygiene-set", "quantity": "20", "document": "waybill 2", "date": "2026-11-01"])
    }
}
