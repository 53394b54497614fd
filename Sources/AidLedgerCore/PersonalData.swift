/// A recipient's personal data. It exists in plaintext only in memory: the ledger stores it sealed with
/// AES-GCM under the recipient's own data key (`KeyStore`), and never logs it.
public struct PersonalData: Sendable, Equatable {
    public var fullName: String
    public var birthDate: String?
    public var phone: String?
    public var address: String?
    public var members: [Member]

    /// A member of the household.
    public struct Member: Sendable, Equatable {
        public var name: String
        public var birthDate: String?
        public var relation: String

        public init(name: String, birthDate: String?, relation: String) {
            self.name = name
            self.birthDate = birthDate
            self.relation = relation
        }
    }

    public init(fullName: String, birthDate: String?, phone: String?, address: String?, members: [Member]) {
        self.fullName = fullName
        self.birthDate = birthDate
        self.phone = phone
        self.address = address
        self.members = members
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(1)
        w.string(fullName)
        w.optional(birthDate) { $0.string($1) }
        w.optional(phone) { $0.string($1) }
        w.optional(address) { $0.string($1) }
        w.array(members) { w, m in
            w.string(m.name)
            w.optional(m.birthDate) { $0.string($1) }
            w.string(m.relation)
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws -> PersonalData {
        try ByteReader.reading(bytes) { r in
            guard try r.u8() == 1 else { throw DecodeError.invalid("personal data of an unknown version", at: 0) }
            return PersonalData(
                fullName: try r.string(), birthDate: try r.optional { try $0.string() }, phone: try r.optional { try $0.string() },
                address: try r.optional { try $0.string() },
                members: try r.array { Member(name: try $0.string(), birthDate: try $0.optional { try $0.string() }, relation: try $0.string()) })
        }
    }

    public var json: JSONValue {
        .object([
            ("full_name", .string(fullName)), ("birth_date", .optional(birthDate)), ("phone", .optional(phone)), ("address", .optional(address)),
            ("members", .array(members.map { .object([("name", .string($0.name)), ("birth_date", .optional($0.birthDate)), ("relation", .string($0.relation))]) })),
        ])
    }
}
