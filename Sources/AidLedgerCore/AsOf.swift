/// A point in the ledger's history: now, just after a position, or the end of a day in Kyiv.
public enum AsOf: Sendable, Hashable {
    /// Everything committed so far.
    case head
    /// Everything up to and including this position.
    case position(UInt64)
    /// Everything recorded by the end of this day, Kyiv time: what the books said that evening.
    case endOfDay(BusinessDate)

    /// Whether a record belongs to the history up to this point. Records are in position and time
    /// order, so the first record that does not belong ends the history.
    func includes(_ position: UInt64, recordedAt: Int64) -> Bool {
        switch self {
        case .head: true
        case .position(let p): position <= p
        case .endOfDay(let d): recordedAt <= d.endInKyivMicros
        }
    }

    /// The point in words, after what it qualifies: "as of 2026-10-01", "at #42", "now".
    var phrase: String {
        switch self {
        case .head: "now"
        case .position(let p): "at #\(p)"
        case .endOfDay(let d): "as of \(d)"
        }
    }
}
