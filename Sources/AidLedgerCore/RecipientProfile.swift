/// What a household's record says of it besides its documents and personal data: how many people it has, its
/// category, its area and settlement. A family grows, joins the servicemen's families, moves to a village: a
/// `recipient update` records the profile before and after (`RecipientProfile.Change`), and from that event on the
/// rules per person, the earmarks for a group and the reach counts follow the new one.
public struct RecipientProfile: Sendable, Equatable {
    public var householdSize: Int64
    public var category: RecipientCategory
    public var area: Area
    public var settlement: String

    public init(householdSize: Int64, category: RecipientCategory, area: Area, settlement: String) {
        (self.householdSize, self.category, self.area, self.settlement) = (householdSize, category, area, settlement)
    }

    /// A registration's profile as the registry holds it now.
    init(_ p: RecipientRegistered) {
        self.init(householdSize: p.householdSize, category: p.category, area: p.area, settlement: p.settlement)
    }

    /// The registration with this profile.
    func applied(to p: RecipientRegistered) -> RecipientRegistered {
        var p = p
        (p.householdSize, p.category, p.area, p.settlement) = (householdSize, category, area, settlement)
        return p
    }

    /// The recipient's attributes (what reach counts) with this profile.
    func applied(to a: RecipientRegistered.Attributes) -> RecipientRegistered.Attributes {
        var a = a
        (a.householdSize, a.category, a.area) = (householdSize, category, area)
        return a
    }

    func encode(into w: inout ByteWriter) {
        w.int(householdSize)
        w.string(category.rawValue)
        w.string(area.rawValue)
        w.string(settlement)
    }

    static func decode(_ r: inout ByteReader) throws -> Self {
        Self(householdSize: try r.int(), category: try .decode(&r), area: try .decode(&r), settlement: try r.string())
    }

    var json: JSONValue {
        .object([("household_size", .int(householdSize)), ("category", .string(category.rawValue)), ("area", .string(area.rawValue)), ("settlement", .string(settlement))])
    }

    /// "household of 5, servicemen_family, rural, Kropyvnyk".
    public var description: String { "household of \(householdSize), \(category.rawValue), \(area.rawValue), \(settlement)" }

    /// A profile before and after one change, as the event records it.
    public struct Change: Sendable, Equatable {
        public var before: RecipientProfile
        public var after: RecipientProfile

        public init(before: RecipientProfile, after: RecipientProfile) { (self.before, self.after) = (before, after) }

        /// Whether it changes what the reach counts (the people in the household, the category or the area), and not
        /// only the settlement.
        var movesReach: Bool {
            before.householdSize != after.householdSize || before.category != after.category || before.area != after.area
        }

        func encode(into w: inout ByteWriter) {
            before.encode(into: &w)
            after.encode(into: &w)
        }

        static func decode(_ r: inout ByteReader) throws -> Self {
            Self(before: try RecipientProfile.decode(&r), after: try RecipientProfile.decode(&r))
        }

        var json: JSONValue { .object([("before", before.json), ("after", after.json)]) }
    }

    /// New values asked for by a command; what is not given stays.
    public struct Edit: Sendable, Equatable {
        public var householdSize: Int64?
        public var category: RecipientCategory?
        public var area: Area?
        public var settlement: String?

        public init(householdSize: Int64? = nil, category: RecipientCategory? = nil, area: Area? = nil, settlement: String? = nil) {
            (self.householdSize, self.category, self.area, self.settlement) = (householdSize, category, area, settlement)
        }

        public var isEmpty: Bool { householdSize == nil && category == nil && area == nil && settlement == nil }

        /// The profile after the edit.
        func applied(to p: RecipientProfile) -> RecipientProfile {
            RecipientProfile(
                householdSize: householdSize ?? p.householdSize, category: category ?? p.category, area: area ?? p.area,
                settlement: settlement ?? p.settlement)
        }
    }
}
