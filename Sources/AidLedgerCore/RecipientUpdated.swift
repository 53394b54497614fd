/// A recipient's personal data after a change (the whole record, sealed again under their data key), documents added,
/// and a change of the household's size, category, area or settlement. Schema 2 adds the last (schema 1 records read
/// as changing none of it).
public struct RecipientUpdated: EventPayload {
    public static let type = EventType.recipientUpdated
    public static let schemaVersion: UInt8 = 2

    public var recipient: String
    /// The new personal data, sealed; nil when only documents were added.
    public var personal: [UInt8]?
    public var addedDocuments: [DocumentHash]
    /// The household's profile before and after, when it changed.
    public var profile: RecipientProfile.Change?

    public init(recipient: String, personal: [UInt8]?, addedDocuments: [DocumentHash], profile: RecipientProfile.Change? = nil) {
        self.recipient = recipient
        self.personal = personal
        self.addedDocuments = addedDocuments
        self.profile = profile
    }

    /// The change in words: "personal data changed (sealed); 1 document(s) added; household of 4, idp, urban, Kalush →
    /// household of 5, idp, urban, Kalush".
    public var change: String {
        var parts: [String] = []
        if personal != nil { parts.append("personal data changed (sealed)") }
        if !addedDocuments.isEmpty { parts.append("\(addedDocuments.count) document(s) added") }
        if let profile { parts.append("\(profile.before.description) → \(profile.after.description)") }
        return parts.isEmpty ? "nothing changed" : parts.joined(separator: "; ")
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.optional(personal) { $0.blob($1) }
        w.array(addedDocuments) { w, d in
            w.string(d.type.rawValue)
            w.raw(d.hash)
        }
        w.optional(profile) { $1.encode(into: &$0) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(recipient: try r.string(), personal: try r.optional { try $0.blob() },
             addedDocuments: try r.array { DocumentHash(type: try .decode(&$0), hash: try $0.raw(32)) },
             profile: version >= 2 ? try r.optional { try RecipientProfile.Change.decode(&$0) } : nil)
    }

    public var json: [(String, JSONValue)] {
        [
            ("recipient", .string(recipient)), ("personal_data", personal.map { .string("sealed, \($0.count) bytes") } ?? .null),
            ("added_documents", .array(addedDocuments.map { .object([("type", .string($0.type.rawValue)), ("hmac", .string($0.hex))]) })),
        ] + (profile.map { [("profile", $0.json)] } ?? [])
    }
}
