/// Decides whether an issuance fits an entitlement rule, given what the recipient already received.
///
/// A rule "L units per P days" holds when every window of P consecutive days holds at most L units.
/// Checking every window that contains the new date also covers entries typed in late with an
/// earlier business date.
public struct Entitlement: Sendable {
    public let limit: Int64
    public let periodDays: Int32
    /// Days and units already issued under the campaign for this item.
    public var history: [(day: BusinessDate, quantity: Int64)]

    public init(limit: Int64, periodDays: Int32, history: [(day: BusinessDate, quantity: Int64)]) {
        self.limit = limit
        self.periodDays = periodDays
        self.history = history
    }

    /// Units received in the period that ends on `date`.
    public func received(inPeriodEnding date: BusinessDate) -> Int64 {
        used(from: date.day - periodDays + 1, to: date.day)
    }

    /// Units received on days `from`…`to`, both included.
    private func used(from: Int32, to: Int32) -> Int64 {
        var sum: Int64 = 0
        for entry in history where entry.day.day >= from && entry.day.day <= to { sum += entry.quantity }
        return sum
    }

    /// Whether `quantity` more units on `date` keeps every window within the limit.
    public func allows(_ quantity: Int64, on date: BusinessDate) -> Bool {
        guard quantity <= limit else { return false }
        // A window's total only rises when its end reaches an entry, so the fullest windows holding
        // `date` start where the earliest one does or where an entry just came in at the end.
        let earliest = date.day - periodDays + 1
        if used(from: earliest, to: earliest + periodDays - 1) + quantity > limit { return false }
        for entry in history {
            let start = entry.day.day - periodDays + 1
            guard start > earliest && start <= date.day else { continue }
            if used(from: start, to: entry.day.day) + quantity > limit { return false }
        }
        return true
    }

    /// The first day after `date` on which `quantity` units would fit, or nil when they never can.
    public func nextDate(for quantity: Int64, after date: BusinessDate) -> BusinessDate? {
        guard quantity <= limit else { return nil }
        let last = max(history.map(\.day.day).max() ?? date.day, date.day)
        var d = date.day + 1
        while d <= last + periodDays {
            if allows(quantity, on: BusinessDate(day: d)) { return BusinessDate(day: d) }
            d += 1
        }
        return BusinessDate(day: last + periodDays)
    }
}
