/// An entry of the item catalogue: what a unit is and what it is worth when no intake says otherwise.
public struct ItemRegistered: EventPayload {
    public static let type = EventType.itemRegistered
    public static let schemaVersion: UInt8 = 1

    public var item: String
    public var name: String
    public var category: ItemCategory
    /// "kit", "box", "pack", "kg".
    public var unit: String
    /// The catalogue value of one unit in kopecks; an intake may state its own.
    public var valuePerUnit: Int64

    public init(item: String, name: String, category: ItemCategory, unit: String, valuePerUnit: Int64) {
        self.item = item
        self.name = name
        self.category = category
        self.unit = unit
        self.valuePerUnit = valuePerUnit
    }

    public func encode(into w: inout ByteWriter) {
        w.string(item)
        w.string(name)
        w.string(category.rawValue)
        w.string(unit)
        w.int(valuePerUnit)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(item: try r.string(), name: try r.string(), category: try .decode(&r), unit: try r.string(), valuePerUnit: try r.int())
    }

    public var json: [(String, JSONValue)] {
        [
            ("item", .string(item)), ("name", .string(name)), ("category", .string(category.rawValue)),
            ("unit", .string(unit)), ("value_per_unit_kopecks", .int(valuePerUnit)),
        ]
    }
}
