/// An earlier event reversed. The original stays in the log; this event names it and says why.
public struct EventVoided: EventPayload {
    public static let type = EventType.eventVoided
    public static let schemaVersion: UInt8 = 1

    /// The position of the voided event.
    public var target: UInt64
    public var targetType: EventType
    public var reason: String

    public init(target: UInt64, targetType: EventType, reason: String) {
        self.target = target
        self.targetType = targetType
        self.reason = reason
    }

    public func encode(into w: inout ByteWriter) {
        w.varint(target)
        w.u16(targetType.rawValue)
        w.string(reason)
    }

    public static func decode(_ r: inout ByteReader, version: UInt8) throws -> Self {
        let target = try r.varint()
        let code = try r.u16()
        guard let type = EventType(rawValue: code) else { throw DecodeError.unknownEventType(code) }
        return Self(target: target, targetType: type, reason: try r.string())
    }

    public var json: [(String, JSONValue)] {
        [("target", .int(target)), ("target_type", .string(targetType.name)), ("reason", .string(reason))]
    }
}
