import AidLedgerCore
import Foundation
import Testing

/// A full disk: a small tmpfs (needs root, as make test runs in CI).
@Suite struct FullDiskTests {
    @Test func aFullDiskGivesAClearErrorLeavesNoPartialBatchAndTheLedgerWorksAgainOnceSpaceIsFreed() throws {
        let mount = NSTemporaryDirectory() + "aidledger-tmpfs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let mounted = Process()
        mounted.executableURL = URL(fileURLWithPath: "/bin/mount")
        mounted.arguments = ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mount]
        try mounted.run()
        mounted.waitUntilExit()
        guard mounted.terminationStatus == 0 else {
            Issue.record("cannot mount a tmpfs (this test needs root, as make test has in CI)")
            return
        }
        defer {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = [mount]
            try? u.run()
            u.waitUntilExit()
            try? FileManager.default.removeItem(atPath: mount)
        }
        var ledger: Ledger? = try Ledger(directory: mount + "/ledger", create: true, mapSize: 64 << 10)
        let setup = DemoScenario(seed: 1, households: 10).commands()
        for r in try ledger!.submit(try setup.map { try Command.parse($0, actor: "t") }) { _ = try r.get() }
        // Fill the disk but for a little room.
        let filler = mount + "/filler"
        var free = (try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? Int) ?? 0
        FileManager.default.createFile(atPath: filler, contents: Data(count: max(0, free - 200_000)))
        free = (try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? Int) ?? 0
        var failure: LedgerError?
        var n = 0
        while failure == nil && n < 200 {
            let batch = try (0..<500).map { i -> Command in
                var input = CommandInput(verb: "recipient.register", fields: ["kind": ["individual"], "category": ["idp"], "area": ["urban"], "settlement": ["Kalush"],
                                                                                "id": ["F-\(n)-\(i)"], "document": ["passport:FD\(n)X\(i)"]])
                input.set("command-id", "fill-\(n)-\(i)")
                return try Command.parse(input, actor: "t")
            }
            let before = try ledger!.head()
            do {
                _ = try ledger!.submit(batch)
            } catch {
                failure = error
                // Nothing of the failed batch is visible.
                #expect(try ledger!.head() == before)
                #expect(try ledger!.records(LogFilter(entity: "F-\(n)-0")).isEmpty)
            }
            n += 1
        }
        #expect(failure?.code == .storage)
        #expect(failure?.message.contains("nothing of this batch was saved") == true, "\(String(describing: failure))")
        #expect(try ledger!.verify().isIntact)
        // A question about the past replays the log into scratch space: with the last bytes taken it fails with the
        // same clear error, and the process lives on (a write into a mapped page there would kill it).
        let rest = mount + "/rest"
        let left = (try FileManager.default.attributesOfFileSystem(forPath: mount)[.systemFreeSize] as? Int) ?? 0
        FileManager.default.createFile(atPath: rest, contents: Data(count: max(0, left - 4096)))
        do {
            _ = try ledger!.campaignBalance("WINTER", as: .position(40))
            Issue.record("the books at #40 were replayed on a full disk")
        } catch {
            #expect(error.code == .storage)
            #expect(error.message.contains("the books of that point are replayed in the data directory and need room there"), "\(error)")
        }
        // A rebuild replays into scratch space too: it fails with words that say the projections are untouched.
        do {
            _ = try ledger!.rebuild()
            Issue.record("a rebuild ran on a full disk")
        } catch {
            #expect(error.code == .storage)
            #expect(error.message.contains("the rebuild was not saved and the projections are as they were"), "\(error)")
        }
        try FileManager.default.removeItem(atPath: rest)
        // Free space; the ledger (reopened, as after an operator's fix) records again.
        try FileManager.default.removeItem(atPath: filler)
        ledger = nil
        ledger = try Ledger(directory: mount + "/ledger")
        var input = CommandInput(verb: "recipient.register", fields: ["kind": ["individual"], "category": ["idp"], "area": ["urban"], "settlement": ["Kalush"], "id": ["AFTER-1"]])
        input.set("command-id", "after-1")
        #expect(try ledger!.submit(try Command.parse(input, actor: "t")).status == .appended)
        #expect(try ledger!.verify().isIntact)
        #expect(try ledger!.reconcile().isBalanced)
        #expect(try ledger!.projectionDifferences().isEmpty)
        #expect((try? ledger!.campaignBalance("WINTER", as: .position(40))) != nil, "the books at #40 once there is room")
        _ = free
    }
}
