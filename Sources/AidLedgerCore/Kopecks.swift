/// An amount of money in kopecks (1 UAH = 100 kopecks). Never a floating-point number.
public struct Kopecks: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: Int64

    public init(_ value: Int64) { self.value = value }

    public static let zero = Kopecks(0)

    public static func < (a: Kopecks, b: Kopecks) -> Bool { a.value < b.value }

    /// Parses hryvnias as typed by a person: `1250`, `1250.5`, `1250.50`. Digits and at most one dot
    /// with at most two decimals; no sign, no exponent, no thousands separators.
    /// - Throws: `LedgerError` `invalid_amount` or `amount_overflow`, naming the field.
    public static func parse(_ text: String, field: String) throws(LedgerError) -> Kopecks {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits = { (s: Substring) in !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard parts.count <= 2, digits(parts[0]), parts.count == 1 || (digits(parts[1]) && parts[1].count <= 2) else {
            if parts.count == 2, digits(parts[0]), digits(parts[1]) {
                throw LedgerError(.invalidAmount, "\(field) \"\(text)\" has more than two decimals; amounts are in hryvnias with kopecks, like 1250.50")
            }
            throw LedgerError(.invalidAmount, "\(field) \"\(text)\" is not an amount in hryvnias; write it like 1250 or 1250.50")
        }
        let frac = parts.count == 2 ? Int64(parts[1].count == 1 ? parts[1] + "0" : parts[1])! : 0
        // Whole hryvnias that fit 64 bits may still hold more kopecks than 64 bits do: refused, never trapped.
        // (Leading zeros are only zeros: "000001" is 1 hryvnia.)
        guard let whole = Int64(parts[0]), case let (hundreds, false) = whole.multipliedReportingOverflow(by: 100),
            case let (kopecks, false) = hundreds.addingReportingOverflow(frac)
        else {
            throw LedgerError(.amountOverflow, "\(field) \"\(text)\" is too large")
        }
        return Kopecks(kopecks)
    }

    /// `1,234.56`: hryvnias with thousands separators and two decimals.
    public var description: String { Kopecks.format(value) }

    public static func format(_ kopecks: Int64) -> String {
        let negative = kopecks < 0
        let magnitude = kopecks.magnitude
        let whole = grouped(magnitude / 100)
        let frac = magnitude % 100
        return (negative ? "-" : "") + whole + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// `1234.56`: hryvnias with two decimals and no separators, as spreadsheets and hledger read numbers.
    public static func plain(_ kopecks: Int64) -> String {
        let magnitude = kopecks.magnitude
        let frac = magnitude % 100
        return (kopecks < 0 ? "-" : "") + String(magnitude / 100) + "." + (frac < 10 ? "0" : "") + String(frac)
    }

    /// `3,474`: an integer with thousands separators.
    public static func grouped<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}

extension Int64 {
    /// `self × other`, or `amount_overflow` naming what was multiplied.
    func multiplied(by other: Int64, describing what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        if overflow { throw LedgerError(.amountOverflow, "\(what()) is too large to count") }
        return product
    }

    func adding(_ other: Int64, describing what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { throw LedgerError(.amountOverflow, "\(what()) is too large to count") }
        return sum
    }

    /// `self − other`, or `amount_overflow` naming the difference.
    func subtracting(_ other: Int64, describing what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        if overflow { throw LedgerError(.amountOverflow, "\(what()) is too large to count") }
        return difference
    }

    /// Adds `other` to `total`. The books add up figures each of which fits in 64 bits, but whose sum need not (two
    /// donors' absurd values, say): such a sum is refused, naming it, never a crash.
    static func add(_ other: Int64, to total: inout Int64, describing what: @autoclosure () -> String) throws(LedgerError) {
        let (sum, overflow) = total.addingReportingOverflow(other)
        guard !overflow else {
            throw LedgerError(
                .amountOverflow,
                "\(what()) adds up to more than the ledger can count; a value, an amount or a quantity was probably mistyped: find the intake with `aidledger log --type goods_received --type cash_received` and void it")
        }
        total = sum
    }

    /// The sum of `values`, or `amount_overflow` naming it.
    static func sum(_ values: some Sequence<Int64>, describing what: @autoclosure () -> String) throws(LedgerError) -> Int64 {
        var total: Int64 = 0
        for v in values { try add(v, to: &total, describing: what()) }
        return total
    }
}
