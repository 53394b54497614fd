import AidLedgerCore
import ArgumentParser
import Foundation

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "The key store of recipients' data keys.", subcommands: [Rotate.self])

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every data key under a new master key, written to --new-key-file (created when missing).",
            discussion: "Then install the new key where the ledger reads it (DATA/master.key, $AIDLEDGER_MASTER_KEY_FILE or $AIDLEDGER_MASTER_KEY) and destroy the old one. See docs/PRIVACY.md.")
        @OptionGroup var ledger: LedgerOptions
        @Option(help: "The new master key file (64 hex digits); made when missing.") var newKeyFile: String

        func run() throws {
            try reporting(json: ledger.json) {
                var hex = (try? String(contentsOfFile: newKeyFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if hex.isEmpty {
                    var rng = SystemRandomNumberGenerator()
                    hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
                    guard FileManager.default.createFile(atPath: newKeyFile, contents: Data((hex + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                        throw LedgerError(.storage, "cannot write \(newKeyFile)")
                    }
                }
                guard let bytes = hex.hexBytes, bytes.count == 32 else { throw LedgerError(.invalidField, "\(newKeyFile) must hold 64 hexadecimal digits") }
                try ledger.open().rotateMasterKey(to: bytes)
                print("every data key is now wrapped under the key in \(newKeyFile); install it as the master key and destroy the old one")
            }
        }
    }
}
