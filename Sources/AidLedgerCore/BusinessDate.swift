import Foundation

/// A calendar day in Kyiv: the date an event applies to, counted in days since 1970-01-01.
///
/// The business date is what reports and entitlements use; the recording time (`EventRecord.recordedAt`)
/// is when the ledger committed the event. A distribution typed in from a paper list a day later keeps its
/// real business date and gets today's recording time.
public struct BusinessDate: Sendable, Hashable, Comparable, CustomStringConvertible, BitwiseCopyable {
    public let day: Int32

    public init(day: Int32) { self.day = day }

    public static func < (a: BusinessDate, b: BusinessDate) -> Bool { a.day < b.day }

    /// The earliest business date the ledger accepts (the displacement this programme serves began in 2014).
    public static let earliest = BusinessDate(year: 2014, month: 1, day: 1)!

    /// Kyiv's time zone (Debian ships it under its older name too).
    public static let kyiv: TimeZone =
        TimeZone(identifier: "Europe/Kyiv") ?? TimeZone(identifier: "Europe/Kiev") ?? TimeZone(secondsFromGMT: 7200)!

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= BusinessDate.daysIn(month: month, year: year) else { return nil }
        // Days from civil (proleptic Gregorian), after H. Hinnant's public-domain derivation.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        self.day = Int32(era * 146097 + doe - 719468)
    }

    /// Today in Kyiv.
    public static func today(now: Date = Date()) -> BusinessDate {
        let seconds = Int64(now.timeIntervalSince1970) + Int64(kyiv.secondsFromGMT(for: now))
        return BusinessDate(day: Int32(floorDiv(seconds, 86_400)))
    }

    /// The moment this day ends in Kyiv, in microseconds since 1970 (for "as of" questions).
    public var endInKyivMicros: Int64 {
        let utcMidnightNext = (Int64(day) + 1) * 86_400
        let offset = Int64(BusinessDate.kyiv.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcMidnightNext))))
        return (utcMidnightNext - offset) * 1_000_000 - 1
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(day) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// `2026-11-23`
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `YYYY-MM-DD` appended to `out`.
    func write(into out: inout [UInt8]) {
        let (y, m, d) = components
        BusinessDate.digits(y, 4, into: &out)
        out.append(UInt8(ascii: "-"))
        BusinessDate.digits(m, 2, into: &out)
        out.append(UInt8(ascii: "-"))
        BusinessDate.digits(d, 2, into: &out)
    }

    /// `value` in decimal, zero-padded to `width` digits (a minus sign first when negative).
    static func digits(_ value: some BinaryInteger, _ width: Int, into out: inout [UInt8]) {
        var v = Int64(value)
        if v < 0 {
            out.append(UInt8(ascii: "-"))
            v = -v
        }
        var count = 1
        var scale: Int64 = 1
        while v / scale >= 10 {
            scale *= 10
            count += 1
        }
        for _ in count..<max(width, count) { out.append(UInt8(ascii: "0")) }
        while scale > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / scale % 10))
            scale /= 10
        }
    }

    /// The day `days` later (earlier when negative); beyond the days a date can hold, the last (or first) of them.
    public func adding(days: Int) -> BusinessDate {
        let (later, overflow) = Int(day).addingReportingOverflow(days)
        return BusinessDate(day: overflow ? (days > 0 ? .max : .min) : Int32(clamping: later))
    }

    /// Parses `YYYY-MM-DD` exactly: `2023-02-30` and `2023-2-3` are refused.
    /// - Throws: `invalid_date`, naming the field.
    public static func parse(_ text: String, field: String) throws(LedgerError) -> BusinessDate {
        let u = Array(text.utf8)
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            u.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || isDigit($0.element) })
        else {
            throw LedgerError(.invalidDate, "\(field) \"\(text)\" is not a date; write it as YYYY-MM-DD, like 2026-11-23")
        }
        let num = { (r: Range<Int>) in r.reduce(0) { $0 * 10 + Int(u[$1] - 0x30) } }
        guard let date = BusinessDate(year: num(0..<4), month: num(5..<7), day: num(8..<10)) else {
            throw LedgerError(.invalidDate, "\(field) \(text) does not exist in the calendar")
        }
        return date
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
