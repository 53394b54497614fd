/// A command as a person or a program typed it: a verb and named text fields.
///
/// The command line, the JSONL import and the HTTP API all produce this, so every way into the
/// ledger is checked by the same code and rejected with the same codes. Field names are the
/// command line's option names (`command-id`, `override-reason`); JSON may write `_` for `-`.
public struct CommandInput: Sendable, Equatable {
    /// `issue`, `intake.goods`, `donor.add`, … (see `Command.verbs`).
    public var verb: String
    /// Field name → its values; repeatable fields (`item`, `rule`, `document`) have several.
    public var fields: [String: [String]]

    public init(verb: String, fields: [String: [String]] = [:]) {
        self.verb = verb
        self.fields = fields
    }

    /// Sets a field when a value is given.
    public mutating func set(_ name: String, _ value: String?) {
        if let value { fields[name] = [value] }
    }

    /// Adds values to a repeatable field.
    public mutating func append(_ name: String, _ values: [String]) {
        if !values.isEmpty { fields[name, default: []] += values }
    }

    /// Reads one JSON object: `{"command": "issue", "command-id": "…", "recipient": "R-1", "item": ["food-kit"]}`.
    /// Numbers are taken as written; arrays hold the values of a repeatable field.
    public static func from(json: JSONValue) throws(LedgerError) -> CommandInput {
        guard case .object(let members) = json else {
            throw LedgerError(.invalidField, "a command must be a JSON object")
        }
        var input = CommandInput(verb: "")
        for (rawKey, value) in members {
            let key = rawKey.utf8.contains(UInt8(ascii: "_")) ? String(rawKey.map { $0 == "_" ? "-" : $0 }) : rawKey
            if key == "command" {
                guard let verb = value.stringValue else { throw LedgerError(.invalidField, "\"command\" must be text, like \"issue\"") }
                input.verb = verb
                continue
            }
            guard input.fields[key] == nil else { throw LedgerError(.invalidField, "field \(key) is given twice") }
            switch value {
            case .string(let s): input.fields[key] = [s]
            case .number(let n): input.fields[key] = [n]
            case .bool(let b): input.fields[key] = [b ? "true" : "false"]
            case .null: continue
            case .array(let items):
                input.fields[key] = try items.map { (item: JSONValue) throws(LedgerError) -> String in
                    switch item {
                    case .string(let s): return s
                    case .number(let n): return n
                    default: throw LedgerError(.invalidField, "field \(key) must list text values")
                    }
                }
            case .object: throw LedgerError(.invalidField, "field \(key) must be text, a number or a list")
            }
        }
        guard !input.verb.isEmpty else { throw LedgerError(.missingField, "the line has no \"command\" (like \"issue\")") }
        return input
    }

    /// The fields that describe what is asked, in a fixed order, for recognising a retry.
    /// `actor` is left out: the same command retried by the same client is the same command.
    var canonicalBytes: [UInt8] {
        var w = ByteWriter(capacity: 256)
        w.string(verb)
        // The dictionary's positions sorted by their keys: no copy of a key or its values, no second look-up.
        var order: [Dictionary<String, [String]>.Index] = []
        order.reserveCapacity(fields.count)
        var i = fields.startIndex
        while i != fields.endIndex {
            let key = fields[i].key
            if key != "actor" {
                var at = order.endIndex
                while at > order.startIndex && key < fields[order[at - 1]].key { at -= 1 }
                order.insert(i, at: at)
            }
            fields.formIndex(after: &i)
        }
        for i in order {
            w.string(fields[i].key)
            w.array(fields[i].value) { $0.string($1) }
        }
        return w.bytes
    }
}

extension CommandInput {
    /// The command as one JSON object, the form a JSONL import file holds: repeatable fields as lists.
    public var json: JSONValue {
        let repeatable: Set<String> = ["item", "rule", "document", "donor"]
        var members: [(String, JSONValue)] = [("command", .string(verb))]
        if let id = fields["command-id"]?.first { members.append(("command-id", .string(id))) }
        for key in fields.keys.sorted() where key != "command-id" {
            let values = fields[key]!
            let listed = values.count > 1 || (repeatable.contains(key) && verb != "intake.goods" && verb != "intake.cash" && verb != "transfer" && verb != "adjust")
            members.append((key, listed ? .array(values.map { .string($0) }) : .string(values[0])))
        }
        return .object(members)
    }
}
