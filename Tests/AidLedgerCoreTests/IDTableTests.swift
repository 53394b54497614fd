@testable import AidLedgerCore
import Testing

/// A replay numbers the recipients, campaigns, donors and items it meets by their ids' bytes (`IDTable`): ids of up
/// to 16 bytes kept whole in their slots, longer ones by their bytes. Two different ids must never share a number,
/// whatever their lengths and however much of their bytes they share.
@Suite struct IDTableTests {
    /// Ids of every length from 0 to 40 bytes, many alike: the same digits at either end, one longer than another by a
    /// byte, the words of a short id overlapping.
    private static func ids() -> [[UInt8]] {
        var ids: [[UInt8]] = []
        for n in 0...40 {
            ids.append([UInt8](repeating: 0x30, count: n))
            if n > 0 { ids.append([UInt8](repeating: 0, count: n)) }  // bytes of zero, told apart by their number alone
        }
        for h in 0..<30_000 {
            ids.append(Array("H-\(String(repeating: "0", count: max(0, 7 - String(h).count)))\(h)".utf8))  // H-0000042
            ids.append(Array("H-\(h)".utf8))
            if h % 7 == 0 { ids.append(Array("household-with-a-long-id-\(h)".utf8)) }
            if h % 11 == 0 { ids.append(Array("\(h)-0000000000000".utf8)) }  // 14 to 18 bytes
        }
        return ids
    }

    @Test func eachIdGetsTheNextNumberWhenFirstMetAndTheSameOneAfter() {
        var table = IDTable()
        var model: [[UInt8]: Int] = [:]
        let ids = Self.ids()
        for round in 0..<2 {
            for id in ids {
                let (number, new) = id.withUnsafeBytes { table.number($0) }
                if let known = model[id] {
                    #expect(!new && number == known, "round \(round): \(id)")
                } else {
                    #expect(new && number == model.count, "round \(round): \(id)")
                    model[id] = number
                }
            }
        }
        #expect(table.count == model.count)
        // Emptied, it numbers from the start again.
        table.removeAll()
        #expect(table.count == 0)
        let first = ids[ids.count / 2]
        #expect(first.withUnsafeBytes { table.number($0) } == (0, true))
    }

    @Test func aValueIsKeptUnderItsIdAloneAndChangedWhereItLies() {
        var table = IDTable()
        let ids = Self.ids().prefix(20_000)
        for (i, id) in ids.enumerated() {
            let (value, new) = id.withUnsafeBytes { table.update($0) { held in (held ?? 0) + Int64(i) } }
            #expect(new && value == Int64(i))
        }
        for (i, id) in ids.enumerated() where i % 3 == 0 {
            let (value, new) = id.withUnsafeBytes { table.update($0) { held in -(held ?? 1) } }
            #expect(!new && value == -Int64(i))
        }
        for (i, id) in ids.enumerated() {
            #expect(id.withUnsafeBytes { table.value($0) } == (i % 3 == 0 ? -Int64(i) : Int64(i)))
        }
        #expect(Array("H-9999999-absent".utf8).withUnsafeBytes { table.value($0) } == nil)
        #expect(Array("absent".utf8).withUnsafeBytes { table.value($0) } == nil)
    }
}
