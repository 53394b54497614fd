/// A warehouse or a distribution point where stock is kept and aid is issued.
public struct SiteRegistered: EventPayload {
    public static let type = EventType.siteRegistered
    public static let schemaVersion: UInt8 = 1

    public var site: String
    public var name: String
    public var kind: SiteKind
    public var settlement: String
    public var area: Area

    public init(site: String, name: String, kind: SiteKind, settlement: String, area: Area) {
        self.site = site
        self.name = name
        self.kind = kind
        self.settlement = settlement
        self.area = area
    }

    public func encode(into w: inout ByteWriter) {
        w.string(site)
        w.string(name)
        w.string(kind.rawValue)
        w.string(settlement)
        w.string(area.rawValue)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(site: try r.string(), name: try r.string(), kind: try .decode(&r), settlement: try r.string(), area: try .decode(&r))
    }

    public var json: [(String, JSONValue)] {
        [
            ("site", .string(site)), ("name", .string(name)), ("kind", .string(kind.rawValue)),
            ("settlement", .string(settlement)), ("area", .string(area.rawValue)),
        ]
    }
}
