// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "AidLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "LMDBStore", targets: ["LMDBStore"]),
        .library(name: "AidLedgerCore", targets: ["AidLedgerCore"]),
        .executable(name: "aidledger", targets: ["aidledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The C boundary: Debian's liblmdb-dev, nothing vendored.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // Debian's libcrypto, for SHA-256 over the whole log at the speed of the machine (verify).
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The storage layer: a thin, safe Swift wrapper over LMDB.
        .target(name: "LMDBStore", dependencies: ["CLMDB"]),
        // The ledger domain: events, commands, invariants, projections, the hash chain.
        .target(
            name: "AidLedgerCore",
            dependencies: [
                "LMDBStore",
                "CLMDB",  // a cache hint only (`clmdb_prefetch`, a replay asking for summaries ahead); the store is reached through LMDBStore
                "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The counter service: HTTP API, roles, group commit, metrics, the web page.
        .target(
            name: "AidLedgerServer",
            dependencies: [
                "AidLedgerCore",
                "LMDBStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")]
        ),
        // The command line.
        .executableTarget(
            name: "aidledger",
            dependencies: [
                "AidLedgerCore",
                "AidLedgerServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "LMDBStoreTests", dependencies: ["LMDBStore"]),
        .testTarget(name: "AidLedgerCoreTests", dependencies: ["AidLedgerCore", "LMDBStore"]),
        .testTarget(name: "CLITests", dependencies: ["aidledger", "AidLedgerCore", "LMDBStore"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "AidLedgerServer", "AidLedgerCore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
