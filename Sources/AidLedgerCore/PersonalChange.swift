/// New values for some of a recipient's personal data (`recipient update`): a field given replaces what was recorded,
/// a field given empty clears it, a field not given keeps it. The update's event still seals the whole record, as a
/// registration's does, so the log needs no earlier event to read it.
public struct PersonalChange: Sendable, Equatable {
    public var fullName: String?
    /// nil: not given; "": cleared.
    public var birthDate: String?
    public var phone: String?
    public var address: String?
    /// nil: not given; otherwise the household's members from now on.
    public var members: [PersonalData.Member]?

    public init(fullName: String? = nil, birthDate: String? = nil, phone: String? = nil, address: String? = nil, members: [PersonalData.Member]? = nil) {
        (self.fullName, self.birthDate, self.phone, self.address, self.members) = (fullName, birthDate, phone, address, members)
    }

    /// The record after the change: `recorded`'s fields where none is given. A recipient with nothing recorded yet
    /// needs the full name.
    func applied(to recorded: PersonalData?) throws(LedgerError) -> PersonalData {
        guard var data = recorded ?? fullName.map({ PersonalData(fullName: $0, birthDate: nil, phone: nil, address: nil, members: []) }) else {
            throw LedgerError(.missingField, "the recipient has no personal data recorded yet: give the full name (name) with it")
        }
        if let fullName { data.fullName = fullName }
        if let birthDate { data.birthDate = birthDate.isEmpty ? nil : birthDate }
        if let phone { data.phone = phone.isEmpty ? nil : phone }
        if let address { data.address = address.isEmpty ? nil : address }
        if let members { data.members = members }
        return data
    }
}
