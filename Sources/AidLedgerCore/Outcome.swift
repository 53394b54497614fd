/// What the ledger did with one command.
public struct Outcome: Sendable {
    public enum Status: String, Sendable {
        /// Its events were appended now.
        case appended
        /// The same command id was committed before; these are the events it appended then.
        case duplicate
    }

    public var commandID: String
    public var status: Status
    public var records: [EventRecord]

    public var json: JSONValue {
        .object([
            ("command_id", .string(commandID)), ("status", .string(status.rawValue)),
            ("positions", .array(records.map { .int($0.position) })), ("events", .array(records.map(\.json))),
        ])
    }
}
