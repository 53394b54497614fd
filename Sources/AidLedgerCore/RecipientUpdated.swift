/// A recipient's personal data after a change (the whole record, sealed again under their data key), and documents added.
public struct RecipientUpdated: EventPayload {
    public static let type = EventType.recipientUpdated
    public static let schemaVersion: UInt8 = 1

    public var recipient: String
    /// The new personal data, sealed; nil when only documents were added.
    public var personal: [UInt8]?
    public var addedDocuments: [DocumentHash]

    public init(recipient: String, personal: [UInt8]?, addedDocuments: [DocumentHash]) {
        self.recipient = recipient
        self.personal = personal
        self.addedDocuments = addedDocuments
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.optional(personal) { $0.blob($1) }
        w.array(addedDocuments) { w, d in
            w.string(d.type.rawValue)
            w.raw(d.hash)
        }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(recipient: try r.string(), personal: try r.optional { try $0.blob() },
             addedDocuments: try r.array { DocumentHash(type: try .decode(&$0), hash: try $0.raw(32)) })
    }

    public var json: [(String, JSONValue)] {
        [
            ("recipient", .string(recipient)), ("personal_data", personal.map { .string("sealed, \($0.count) bytes") } ?? .null),
            ("added_documents", .array(addedDocuments.map { .object([("type", .string($0.type.rawValue)), ("hmac", .string($0.hex))]) })),
        ]
    }
}
