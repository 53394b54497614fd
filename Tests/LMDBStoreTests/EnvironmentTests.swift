import Foundation
import LMDBStore
import Testing

final class EnvironmentTests {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "lmdbstore-" + UUID().uuidString
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @Test func aWriteIsVisibleToLaterReadsAndSurvivesReopening() throws {
        do {
            let env = try Environment(path: path, databases: ["a"])
            try env.write { txn in try txn.put(env.database("a"), Array("k".utf8), Array("v".utf8)) }
        }
        let env = try Environment(path: path, databases: ["a"])
        let value = try env.read { txn in try txn.get(env.database("a"), Array("k".utf8)) }
        #expect(value == Array("v".utf8))
    }

    @Test func aThrowingWriteLeavesNothingBehind() throws {
        struct Boom: Error {}
        let env = try Environment(path: path, databases: ["a"])
        #expect(throws: Boom.self) {
            try env.write { txn in
                try txn.put(env.database("a"), [1], [1])
                throw Boom()
            }
        }
        #expect(try env.read { try $0.count(env.database("a")) } == 0)
    }

    @Test func aFailedNestedTransactionRollsBackAloneAndTheOuterCommits() throws {
        struct Boom: Error {}
        let env = try Environment(path: path, databases: ["a"])
        let db = env.database("a")
        try env.write { txn in
            try txn.put(db, [1], [1])
            _ = try? txn.nested { child in
                try child.put(db, [2], [2])
                throw Boom()
            }
            try txn.nested { child in try child.put(db, [3], [3]) }
        }
        let keys = try env.read { txn in
            var keys: [[UInt8]] = []
            try txn.forEach(db) { k, _ in keys.append(Array(k)); return true }
            return keys
        }
        #expect(keys == [[1], [3]])
    }

    @Test func aSmallMapGrowsWithoutLosingAWrite() throws {
        let env = try Environment(path: path, databases: ["a"], mapSize: 256 << 10)
        let db = env.database("a")
        let value = [UInt8](repeating: 7, count: 1000)
        for batch in 0..<20 {
            try env.write { txn in
                for i in 0..<500 { try txn.put(db, Array("\(batch)-\(i)".utf8), value) }
            }
        }
        #expect(env.mapSize > 256 << 10)
        #expect(try env.read { try $0.count(db) } == 10_000)
    }

    @Test func appendedKeysMustComeInOrder() throws {
        let env = try Environment(path: path, databases: ["log"])
        let db = env.database("log")
        try env.write { txn in try txn.put(db, [0, 2], [1], options: .append) }
        #expect(throws: LMDBError.keyExists) {
            try env.write { txn in try txn.put(db, [0, 1], [1], options: .append) }
        }
    }

    @Test func keysWrittenInOrderThroughOneCursorLandAsIfPutOneByOne() throws {
        let env = try Environment(path: path, databases: ["a"])
        let db = env.database("a")
        let bytes = { (i: Int) in Array(String(format: "%06d", i).utf8) }
        // Into an empty database (appended), then over it: replacing some, removing some, adding between.
        try env.write { txn in
            try txn.writeInKeyOrder(db) { w in
                #expect(w.appending)
                for i in stride(from: 0, to: 3_000, by: 2) { try bytes(i).withUnsafeBytes { k in try w.put(key: k, value: k) } }
            }
        }
        try env.write { txn in
            try txn.writeInKeyOrder(db) { w in
                #expect(!w.appending)
                for i in 0..<3_000 where i % 3 == 0 {
                    try bytes(i).withUnsafeBytes { k in
                        if i % 2 == 0 && i % 9 == 0 { return try w.delete(key: k) }
                        try [UInt8(i % 251)].withUnsafeBytes { v in try w.put(key: k, value: v) }
                    }
                }
                try [UInt8](bytes(99_999)).withUnsafeBytes { k in try w.delete(key: k) }  // none there: nothing to do
            }
        }
        var expected: [[UInt8]: [UInt8]] = [:]
        for i in stride(from: 0, to: 3_000, by: 2) { expected[bytes(i)] = bytes(i) }
        for i in 0..<3_000 where i % 3 == 0 { expected[bytes(i)] = i % 2 == 0 && i % 9 == 0 ? nil : [UInt8(i % 251)] }
        let stored = try env.read { txn in
            var out: [[UInt8]: [UInt8]] = [:]
            var last: [UInt8] = []
            try txn.forEach(db, readingAhead: true) { k, v in
                #expect(Array(k).lexicographicallyPrecedes(last) == false)
                last = Array(k)
                out[Array(k)] = Array(v)
                return true
            }
            return out
        }
        #expect(stored == expected)
    }

    @Test func prefixScansStopAtTheEndOfThePrefix() throws {
        let env = try Environment(path: path, databases: ["a"])
        let db = env.database("a")
        try env.write { txn in
            for k in ["ab1", "ab2", "ac1", "b"] { try txn.put(db, Array(k.utf8), [1]) }
        }
        let seen = try env.read { txn in
            var out: [String] = []
            try txn.forEach(db, prefix: Array("ab".utf8)) { k, _ in out.append(String(decoding: k, as: UTF8.self)); return true }
            return out
        }
        #expect(seen == ["ab1", "ab2"])
    }

    @Test func theWriterThreadRunsJobsInOrderForAsyncCallers() async throws {
        let writer = SerialWriter()
        defer { writer.stopAndWait() }
        let env = try Environment(path: path, databases: ["a"])
        let db = env.database("a")
        for i in 0..<50 {
            try await writer.perform { try env.write { txn in try txn.put(db, [UInt8(i)], [UInt8(i)]) } }
        }
        #expect(try env.read { try $0.count(db) } == 50)
    }

    /// A command-line process closes its ledger and exits: by then the writer thread must be gone, not still
    /// releasing its thread-local state (as a library's per-thread state is, on its way out) while the process's exit
    /// handlers free the same things. The job here leaves thread-local state whose release takes 50 ms and then marks
    /// itself done; `stopAndWait` must not return before that mark. (Whether the kernel still lists the ended thread
    /// for a moment after it is joined is the kernel's business, not the writer's, so the test does not ask.)
    @Test func closingTheWriterWaitsUntilItsThreadHasReleasedEverything() throws {
        let env = try Environment(path: path, databases: ["a"])
        var key = pthread_key_t()
        #expect(pthread_key_create(&key, { state in
            usleep(50_000)
            state?.assumingMemoryBound(to: Int.self).pointee = 1
        }) == 0)
        defer { pthread_key_delete(key) }
        for round in 0..<5 {
            let released = UnsafeMutablePointer<Int>.allocate(capacity: 1)
            released.initialize(to: 0)
            defer { released.deallocate() }
            let writer = SerialWriter(name: "w-\(round)")
            try writer.performAndWait {
                pthread_setspecific(key, released)
                try env.write { txn in try txn.put(env.database("a"), [UInt8(round)], [1]) }
            }
            writer.stopAndWait()
            // pthread_join orders the thread's last writes before this read.
            #expect(released.pointee == 1, "round \(round): stopAndWait returned while the writer thread was still releasing its state")
        }
        #expect(try env.read { try $0.count(env.database("a")) } == 5)
    }
}
