// swift-tools-version:6.1
// The benchmark suite (ordo-one/benchmark), a package of its own so the root's build and tests never pull the
// harness. Run: cd Benchmarks && swift package benchmark. Malloc counts are compared with the committed
// thresholds in Thresholds/ (deterministic); times are reported, never asserted.
import PackageDescription

let package = Package(
    name: "AidLedgerBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "AidLedger", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LedgerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AidLedgerCore", package: "AidLedger"),
            ],
            path: "Benchmarks/LedgerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
