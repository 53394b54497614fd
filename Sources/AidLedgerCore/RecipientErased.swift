/// A recipient's personal data erased on request: their data key was destroyed, so every sealed copy of
/// their data (in the log, in backups, in exports) is unreadable. Their aid stays in the books.
public struct RecipientErased: EventPayload {
    public static let type = EventType.recipientErased
    public static let schemaVersion: UInt8 = 1

    public var recipient: String
    public var reason: String

    public init(recipient: String, reason: String) {
        self.recipient = recipient
        self.reason = reason
    }

    public func encode(into w: inout ByteWriter) {
        w.string(recipient)
        w.string(reason)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        Self(recipient: try r.string(), reason: try r.string())
    }

    public var json: [(String, JSONValue)] { [("recipient", .string(recipient)), ("reason", .string(reason))] }
}
