/// A person or a household the programme serves, under a pseudonymous id.
///
/// No name, phone or document number is stored: documents appear only as keyed hashes
/// (HMAC-SHA256 under the ledger's secret), enough to find a duplicate registration.
public struct RecipientRegistered: EventPayload {
    public static let type = EventType.recipientRegistered
    /// 2 added the sealed personal data.
    public static let schemaVersion: UInt8 = 2

    public var recipient: String
    public var kind: RecipientKind
    /// People in the household; 1 for an individual.
    public var householdSize: Int64
    public var category: RecipientCategory
    public var area: Area
    public var settlement: String
    public var documents: [DocumentHash]
    /// Name, birth date, phone, address and household members, sealed with AES-GCM under the recipient's
    /// own data key (nonce, ciphertext, tag). Unreadable for good once the key is erased.
    public var personal: [UInt8]?

    public init(recipient: String, kind: RecipientKind, householdSize: Int64, category: RecipientCategory, area: Area, settlement: String, documents: [DocumentHash], personal: [UInt8]? = nil) {
        self.personal = personal
        self.recipient = recipient
        self.kind = kind
        self.householdSize = householdSize
        self.category = category
        self.area = area
        self.settlement = settlement
        self.documents = documents
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.string(kind.rawValue)
        w.int(householdSize)
        w.string(category.rawValue)
        w.string(area.rawValue)
        w.string(settlement)
        w.array(documents) { w, d in
            w.string(d.type.rawValue)
            w.raw(d.hash)
        }
        w.optional(personal) { $0.blob($1) }
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(
            recipient: try r.string(), kind: try .decode(&r), householdSize: try r.int(), category: try .decode(&r),
            area: try .decode(&r), settlement: try r.string(),
            documents: try r.array { DocumentHash(type: try .decode(&$0), hash: try $0.raw(32)) },
            personal: version >= 2 ? try r.optional { try $0.blob() } : nil
        )
    }

    public var json: [(String, JSONValue)] {
        [
            ("recipient", .string(recipient)), ("kind", .string(kind.rawValue)), ("household_size", .int(householdSize)),
            ("category", .string(category.rawValue)), ("area", .string(area.rawValue)), ("settlement", .string(settlement)),
            ("documents", .array(documents.map { .object([("type", .string($0.type.rawValue)), ("hmac", .string($0.hex))]) })),
            ("personal_data", personal.map { .string("sealed, \($0.count) bytes") } ?? .null),
        ]
    }
}

extension RecipientRegistered {
    /// What reports count of a recipient, read from the head of a stored registration (schema byte first).
    struct Attributes {
        var id: String
        var kind: RecipientKind
        var householdSize: Int64
        var category: RecipientCategory
        var area: Area

        /// A registration's profile under its id (`RegistrationReading.entry`).
        init(id: String, _ p: RegistrationReading.Profile) {
            (self.id, kind, householdSize, category, area) = (id, p.kind, p.householdSize, p.category, p.area)
        }

        /// A registration's own.
        init(_ p: RecipientRegistered) {
            (id, kind, householdSize, category, area) = (p.recipient, p.kind, p.householdSize, p.category, p.area)
        }

        init(_ stored: [UInt8]) throws {
            self = try ByteReader.reading(stored, offset: 1) { try Self(reading: &$0) }
        }

        /// Read from the head of a registration's payload, `r` left after the area.
        init(reading r: inout ByteReader) throws {
            id = try r.string()
            kind = try .decode(&r)
            householdSize = try r.int()
            category = try .decode(&r)
            area = try .decode(&r)
        }
    }
}

/// An identity document seen only through its keyed hash.
public struct DocumentHash: Sendable, Equatable, Hashable {
    public var type: DocumentType
    /// HMAC-SHA256 of the normalised document number under the ledger's secret.
    public var hash: [UInt8]

    public init(type: DocumentType, hash: [UInt8]) {
        self.type = type
        self.hash = hash
    }

    public var hex: String { hash.hexString }
}

extension Sequence<UInt8> {
    /// Lower-case hexadecimal.
    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in self {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
