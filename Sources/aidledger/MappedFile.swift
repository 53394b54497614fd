import AidLedgerCore
import Foundation

/// Runs `body` on the bytes of `file`, mapped rather than read: an import or an export of any size is read a line
/// at a time from the page cache, not copied into memory first.
func mapped<R>(_ file: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
    guard let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped) else {
        throw LedgerError(.invalidField, "cannot read \(file)")
    }
    return try data.withUnsafeBytes { raw in try body(raw.bindMemory(to: UInt8.self)) }
}
