/// The key of a counter in `stock`, `cash` or `totals`, in parts: written only when it is needed, in one copy, or
/// into a buffer a replay reuses for every look-up.
enum CounterKey {
    case total(CounterName)
    /// site 0 item 0 lot (u64 BE)
    case stock(site: String, item: String, lot: UInt64)
    /// campaign 0 lot (u64 BE)
    case cash(campaign: String, lot: UInt64)

    var bytes: [UInt8] {
        let n = length
        return [UInt8](unsafeUninitializedCapacity: n) { buffer, count in
            var writer = RawKeyWriter(UnsafeMutableRawPointer(buffer.baseAddress!))
            write(&writer)
            count = n
        }
    }

    /// The bytes the key takes.
    var length: Int {
        switch self {
        case .total(let n):
            var total = RawKeyWriter.length(n.a) + 1 + RawKeyWriter.length(n.b) + 1 + RawKeyWriter.length(n.c)
            if let d = n.d { total += 1 + RawKeyWriter.length(d) }
            if let e = n.e { total += 1 + RawKeyWriter.length(e) }
            if let f = n.f { total += 1 + RawKeyWriter.length(f) }
            return total
        case .stock(let site, let item, _): return RawKeyWriter.length(site) + 1 + RawKeyWriter.length(item) + 1 + 8
        case .cash(let campaign, _): return RawKeyWriter.length(campaign) + 1 + 8
        }
    }

    /// Writes the key's `length` bytes.
    func write(_ w: inout RawKeyWriter) {
        switch self {
        case .total(let n):
            w.text(n.a)
            w.byte(0)
            w.text(n.b)
            w.byte(0)
            w.text(n.c)
            if let d = n.d {
                w.byte(0)
                w.text(d)
            }
            if let e = n.e {
                w.byte(0)
                w.text(e)
            }
            if let f = n.f {
                w.byte(0)
                w.text(f)
            }
        case .stock(let site, let item, let lot):
            w.text(site)
            w.byte(0)
            w.text(item)
            w.byte(0)
            w.bigEndian(lot)
        case .cash(let campaign, let lot):
            w.text(campaign)
            w.byte(0)
            w.bigEndian(lot)
        }
    }
}

/// The name of a running total in parts ("donor", id, "item", id, "issued_units").
struct CounterName {
    let a, b, c: String
    let d, e, f: String?

    init(_ a: String, _ b: String, _ c: String, _ d: String? = nil, _ e: String? = nil, _ f: String? = nil) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }
}
