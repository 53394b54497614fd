/// Checks of the ids people give to donors, sites, items, campaigns, recipients and commands.
public enum Identifier {
    /// The longest id accepted.
    public static let maximumLength = 64

    /// Accepts letters, digits, `-` and `_`, starting with a letter or digit, at most 64 characters:
    /// ids appear in keys, file names and URLs, where slashes, dots and control characters do harm.
    /// - Throws: `invalid_id`, naming the field.
    public static func validate(_ id: String, field: String) throws(LedgerError) -> String {
        let u = id.utf8
        let ok = { (b: UInt8) in (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) }
        guard !u.isEmpty else { throw LedgerError(.invalidID, "\(field) is empty") }
        guard u.count <= maximumLength else {
            throw LedgerError(.invalidID, "\(field) is \(u.count) characters long; at most \(maximumLength) are allowed")
        }
        guard ok(u.first!), u.allSatisfy({ ok($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }) else {
            throw LedgerError(.invalidID, "\(field) \"\(printable(id))\" may hold only Latin letters, digits, - and _, and must start with a letter or digit")
        }
        return id
    }

    /// The text with control characters shown as `?` and cut to 40 characters, for error messages.
    public static func printable(_ s: String) -> String {
        let cleaned = String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
        return cleaned.count > 40 ? String(cleaned.prefix(40)) + "…" : cleaned
    }
}
