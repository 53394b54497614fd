/// A donor is known to the ledger: a foundation, an agency, a budget, a business or a person.
public struct DonorRegistered: EventPayload {
    public static let type = EventType.donorRegistered
    public static let schemaVersion: UInt8 = 1

    public var donor: String
    /// An organisation's name. A private person is recorded under a pseudonym, never their name.
    public var name: String
    public var kind: DonorKind

    public init(donor: String, name: String, kind: DonorKind) {
        self.donor = donor
        self.name = name
        self.kind = kind
    }

    public func encode(into w: inout ByteWriter) {
        w.string(donor)
        w.string(name)
        w.string(kind.rawValue)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(donor: try r.string(), name: try r.string(), kind: try .decode(&r))
    }

    public var json: [(String, JSONValue)] {
        [("donor", .string(donor)), ("name", .string(name)), ("kind", .string(kind.rawValue))]
    }
}
