import Foundation

/// A closed list of words the ledger records as text (kinds, categories, reasons).
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    /// What the field is called in messages: "donor kind".
    static var fieldName: String { get }
}

extension Vocabulary {
    /// Parses a word of this vocabulary, or names the words allowed.
    public static func parse(_ text: String, field: String? = nil) throws(LedgerError) -> Self {
        if let v = Self(rawValue: text) { return v }
        let allowed = allCases.map(\.rawValue).joined(separator: ", ")
        throw LedgerError(.invalidField, "\(field ?? fieldName) \"\(Identifier.printable(text))\" is not one of: \(allowed)")
    }

    /// The word stored at the reader, matched by its bytes: no text is made for a word the vocabulary holds (a replay
    /// reads three in every registration).
    static func decode(_ r: inout ByteReader) throws -> Self {
        let range = try r.textRange()
        let found = r.withBytes(range) { bytes in
            allCases.first { word in
                var text = word.rawValue
                return text.withUTF8 { $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            }
        }
        guard let found else { throw DecodeError.invalid("an unknown \(fieldName) \"\(r.text(range))\"", at: r.offset) }
        return found
    }
}

/// Who gave: the kind decides the funding source a report puts the value under.
public enum DonorKind: String, Vocabulary {
    case charity, international, cityBudget = "city_budget", stateBudget = "state_budget", business, individual
    public static let fieldName = "donor kind"
    /// City budget and other public money, as opposed to charitable and international donors.
    public var isPublicFunding: Bool { self == .cityBudget || self == .stateBudget }
}

public enum SiteKind: String, Vocabulary {
    case warehouse, distributionPoint = "distribution_point"
    public static let fieldName = "site kind"
}

/// Reports split every total between city and village.
public enum Area: String, Vocabulary {
    case urban, rural
    public static let fieldName = "area"
}

public enum ItemCategory: String, Vocabulary {
    case foodKit = "food_kit", hygieneSet = "hygiene_set", babyFood = "baby_food", diapers
    case winterClothing = "winter_clothing", bedding, other
    public static let fieldName = "item category"
}

public enum RecipientKind: String, Vocabulary {
    case individual, household
    public static let fieldName = "recipient kind"
}

/// The categories municipal reports count.
public enum RecipientCategory: String, Vocabulary {
    case idp
    case difficultCircumstances = "difficult_circumstances"
    case disability
    case servicemenFamily = "servicemen_family"
    case fallenServicemenFamily = "fallen_servicemen_family"
    case orphanCare = "orphan_care"
    case olderAlone = "older_alone"
    case veteran
    case other
    public static let fieldName = "recipient category"
}

public enum DocumentType: String, Vocabulary {
    case idpCertificate = "idp_certificate", taxNumber = "tax_number", passport, unzr
    public static let fieldName = "document type"
}

/// Whether an entitlement counts per household or per person in it.
public enum EntitlementScope: String, Vocabulary {
    case household, person
    public static let fieldName = "rule scope"
}

public enum AdjustmentReason: String, Vocabulary {
    case damaged, expired, lost, found, countCorrection = "count_correction"
    public static let fieldName = "adjustment reason"
}

public enum GrantChannel: String, Vocabulary {
    case cashDesk = "cash_desk", bankTransfer = "bank_transfer", post
    public static let fieldName = "channel"
}
