import Foundation

/// Counters and histograms in Prometheus' text format. Labels never carry personal data:
/// only command verbs, error codes and HTTP statuses.
public final class Metrics: @unchecked Sendable {  // all state is guarded by `lock`
    private let lock = NSLock()
    private var counters: [String: [String: Double]] = [:]
    private var help: [String: String] = [:]
    private var histograms: [String: Histogram] = [:]

    struct Histogram {
        var buckets: [Double]
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    public init() {
        describe("aidledger_events_appended_total", "Events appended to the log.")
        describe("aidledger_commands_total", "Commands answered, by outcome.")
        describe("aidledger_commands_rejected_total", "Commands rejected, by error code.")
        describe("aidledger_http_requests_total", "HTTP requests answered, by status.")
        histograms["aidledger_batch_size"] = Histogram(buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 10000], counts: Array(repeating: 0, count: 12))
        histograms["aidledger_commit_seconds"] = Histogram(
            buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1], counts: Array(repeating: 0, count: 11))
        describe("aidledger_batch_size", "Commands per group commit.")
        describe("aidledger_commit_seconds", "Time from the start of a batch's transaction to its durable commit.")
    }

    private func describe(_ name: String, _ text: String) { help[name] = text }

    /// Adds `by` to the counter `name` with `labels` (like `code="insufficient_stock"`).
    public func increment(_ name: String, labels: String = "", by: Double = 1) {
        lock.lock()
        counters[name, default: [:]][labels, default: 0] += by
        lock.unlock()
    }

    public func observe(_ name: String, _ value: Double) {
        lock.lock()
        if var h = histograms[name] {
            for (i, bound) in h.buckets.enumerated() where value <= bound { h.counts[i] += 1 }
            h.sum += value
            h.count += 1
            histograms[name] = h
        }
        lock.unlock()
    }

    /// The exposition text served at /metrics.
    public func render() -> String {
        lock.lock()
        defer { lock.unlock() }
        var out = ""
        for name in counters.keys.sorted() {
            out += "# HELP \(name) \(help[name] ?? name)\n# TYPE \(name) counter\n"
            for (labels, value) in counters[name]!.sorted(by: { $0.key < $1.key }) {
                out += name + (labels.isEmpty ? "" : "{\(labels)}") + " \(format(value))\n"
            }
        }
        for name in histograms.keys.sorted() {
            let h = histograms[name]!
            out += "# HELP \(name) \(help[name] ?? name)\n# TYPE \(name) histogram\n"
            for (i, bound) in h.buckets.enumerated() { out += "\(name)_bucket{le=\"\(format(bound))\"} \(h.counts[i])\n" }
            out += "\(name)_bucket{le=\"+Inf\"} \(h.count)\n\(name)_sum \(format(h.sum))\n\(name)_count \(h.count)\n"
        }
        return out
    }

    private func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
