// swift-tools-version:6.1
// Tools beside the ledger: a generator of realistic ledgers at any size, and the project's side of the
// measurements against the raw LMDB limit (see measure.sh). A package of its own, so the root's build
// and tests never build these.
import PackageDescription

let package = Package(
    name: "AidLedgerTools",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "AidLedger", path: "..")],
    targets: [
        .target(name: "LedgerGenerator", dependencies: [.product(name: "AidLedgerCore", package: "AidLedger")]),
        .executableTarget(name: "aidledger-generate", dependencies: ["LedgerGenerator", .product(name: "AidLedgerCore", package: "AidLedger")]),
        .executableTarget(name: "aidledger-bench", dependencies: ["LedgerGenerator", .product(name: "AidLedgerCore", package: "AidLedger")]),
    ],
    swiftLanguageModes: [.v6]
)
