/// The key of a counter in `stock`, `cash` or `totals`, in parts: written only when it is needed, in one copy, or
/// into a buffer a replay reuses for every look-up.
enum CounterKey {
    case total(CounterName)
    /// site 0 item 0 lot (u64 BE)
    case stock(site: String, item: String, lot: UInt64)
    /// campaign 0 lot (u64 BE)
    case cash(campaign: String, lot: UInt64)

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)  // one allocation for any key of ids of common length
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .total(let n):
            LedgerStore.appendUTF8(n.a, to: &out)
            out.append(0)
            LedgerStore.appendUTF8(n.b, to: &out)
            out.append(0)
            LedgerStore.appendUTF8(n.c, to: &out)
            if let d = n.d {
                out.append(0)
                LedgerStore.appendUTF8(d, to: &out)
            }
            if let e = n.e {
                out.append(0)
                LedgerStore.appendUTF8(e, to: &out)
            }
            if let f = n.f {
                out.append(0)
                LedgerStore.appendUTF8(f, to: &out)
            }
        case .stock(let site, let item, let lot):
            LedgerStore.appendUTF8(site, to: &out)
            out.append(0)
            LedgerStore.appendUTF8(item, to: &out)
            out.append(0)
            withUnsafeBytes(of: lot.bigEndian) { out.append(contentsOf: $0) }
        case .cash(let campaign, let lot):
            LedgerStore.appendUTF8(campaign, to: &out)
            out.append(0)
            withUnsafeBytes(of: lot.bigEndian) { out.append(contentsOf: $0) }
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
