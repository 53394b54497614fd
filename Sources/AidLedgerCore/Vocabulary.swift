import Foundation

/// A closed list of words the ledger records as text (kinds, categories, reasons).
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    /// What the field is called in messages: "donor kind".
    static var fieldName: String { get }
    /// The words as bytes, made once (`decode` matches a stored word against them).
    static var words: VocabularyWords<Self> { get }
}

/// A vocabulary's words as UTF-8 bytes beside their values, made once per vocabulary: a stored word is matched
/// against them without anything made (`allCases` is an array made anew at every use).
public struct VocabularyWords<V: Vocabulary>: Sendable {
    private let words: [(bytes: [UInt8], value: V)]

    public init() { words = V.allCases.map { (Array($0.rawValue.utf8), $0) } }

    /// The word whose bytes are `bytes`, if the vocabulary holds it.
    func value(_ bytes: UnsafeRawBufferPointer) -> V? {
        for w in words where w.bytes.count == bytes.count {
            if bytes.isEmpty || w.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }) { return w.value }
        }
        return nil
    }
}

extension Vocabulary {
    /// Parses a word of this vocabulary, or names the words allowed.
    public static func parse(_ text: String, field: String? = nil) throws(LedgerError) -> Self {
        if let v = Self(rawValue: text) { return v }
        let allowed = allCases.map(\.rawValue).joined(separator: ", ")
        throw LedgerError(.invalidField, "\(field ?? fieldName) \"\(Identifier.printable(text))\" is not one of: \(allowed)")
    }

    /// The word stored at the reader, matched by its bytes (`words`): no text is made for a word the vocabulary holds
    /// (a replay reads three in every registration).
    static func decode(_ r: inout ByteReader) throws -> Self {
        let range = try r.textRange()
        guard let found = r.withBytes(range, { words.value($0) }) else { throw DecodeError.invalid("an unknown \(fieldName) \"\(r.text(range))\"", at: r.offset) }
        return found
    }
}

/// Who gave: the kind decides the funding source a report puts the value under.
public enum DonorKind: String, Vocabulary {
    case charity, international, cityBudget = "city_budget", stateBudget = "state_budget", business, individual
    public static let fieldName = "donor kind"
    public static let words = VocabularyWords<Self>()
    /// City budget and other public money, as opposed to charitable and international donors.
    public var isPublicFunding: Bool { self == .cityBudget || self == .stateBudget }
}

public enum SiteKind: String, Vocabulary {
    case warehouse, distributionPoint = "distribution_point"
    public static let fieldName = "site kind"
    public static let words = VocabularyWords<Self>()
}

/// Reports split every total between city and village.
public enum Area: String, Vocabulary {
    case urban, rural
    public static let fieldName = "area"
    public static let words = VocabularyWords<Self>()
}

public enum ItemCategory: String, Vocabulary {
    case foodKit = "food_kit", hygieneSet = "hygiene_set", babyFood = "baby_food", diapers
    case winterClothing = "winter_clothing", bedding, other
    public static let fieldName = "item category"
    public static let words = VocabularyWords<Self>()
}

public enum RecipientKind: String, Vocabulary {
    case individual, household
    public static let fieldName = "recipient kind"
    public static let words = VocabularyWords<Self>()
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
    public static let words = VocabularyWords<Self>()
}

public enum DocumentType: String, Vocabulary {
    case idpCertificate = "idp_certificate", taxNumber = "tax_number", passport, unzr
    public static let fieldName = "document type"
    public static let words = VocabularyWords<Self>()
}

/// Whether an entitlement counts per household or per person in it.
public enum EntitlementScope: String, Vocabulary {
    case household, person
    public static let fieldName = "rule scope"
    public static let words = VocabularyWords<Self>()
}

public enum AdjustmentReason: String, Vocabulary {
    case damaged, expired, lost, found, countCorrection = "count_correction"
    public static let fieldName = "adjustment reason"
    public static let words = VocabularyWords<Self>()
}

public enum GrantChannel: String, Vocabulary {
    case cashDesk = "cash_desk", bankTransfer = "bank_transfer", post
    public static let fieldName = "channel"
    public static let words = VocabularyWords<Self>()
}
