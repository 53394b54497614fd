/// Distinct recipients a donor or a campaign reached, counted once each however often they were served.
public struct Reach: Sendable, Equatable {
    public var recipients: Int64 = 0
    public var households: Int64 = 0
    public var individuals: Int64 = 0
    /// People in the households and individuals served.
    public var people: Int64 = 0
    public var byCategory: [RecipientCategory: Int64] = [:]
    public var byArea: [Area: Int64] = [:]

    /// Reads a "reached/…" counter.
    mutating func read(_ parts: ArraySlice<String>, _ value: Int64) {
        switch (parts.first, parts.count) {
        case ("recipients", 1): recipients = value
        case ("households", 1): households = value
        case ("individuals", 1): individuals = value
        case ("people", 1): people = value
        case ("category", 2): if let c = RecipientCategory(rawValue: parts[parts.startIndex + 1]) { byCategory[c] = value }
        case ("area", 2): if let a = Area(rawValue: parts[parts.startIndex + 1]) { byArea[a] = value }
        default: break
        }
    }

    public var json: JSONValue {
        .object([
            ("recipients", .int(recipients)), ("households", .int(households)), ("individuals", .int(individuals)), ("people", .int(people)),
            ("by_category", .object(RecipientCategory.allCases.compactMap { c in byCategory[c].map { (c.rawValue, .int($0)) } })),
            ("by_area", .object(Area.allCases.compactMap { a in byArea[a].map { (a.rawValue, .int($0)) } })),
        ])
    }
}
