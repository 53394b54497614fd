import Foundation

/// Runs the real `aidledger` binary in a fresh data directory, as a person at a terminal would.
final class CLI {
    let directory: String
    let binary: String

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    init() {
        directory = NSTemporaryDirectory() + "aidledger-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        binary = CLI.binaryDirectory + "/aidledger"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// The data directory: the default name, so README lines that name it work here as written.
    var data: String { directory + "/aidledger-data" }

    /// The build folder holding both the test bundle and the `aidledger` binary.
    static var binaryDirectory: String {
        if let dir = ProcessInfo.processInfo.environment["AIDLEDGER_BIN_DIR"] { return dir }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.path + "/aidledger") { return url.path }
        }
        // Fall back to the package's own debug build.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/.build/debug"
    }

    /// Runs `aidledger ARGS…` against this directory's ledger.
    @discardableResult
    func callAsFunction(_ args: String...) throws -> Run { try run(args) }

    func run(_ args: [String], stdin: String? = nil) throws -> Run {
        try shell([binary] + args + ["--data", data])
    }

    /// Runs a command line through /bin/sh with `aidledger` on the PATH and the data directory in $AIDLEDGER_DATA.
    func sh(_ line: String) throws -> Run {
        try shell(["/bin/sh", "-c", line])
    }

    private func process(_ argv: [String]) -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = CLI.binaryDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        env["AIDLEDGER_DATA"] = data
        env["AIDLEDGER_ACTOR"] = "counter-1"
        p.environment = env
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        return p
    }

    /// Starts `aidledger ARGS…` in the background (a server), its output to a pipe.
    func start(_ args: [String]) throws -> Process {
        let p = process([binary] + args + ["--data", data])
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Reads the server's output until it says where it serves. - Returns: the URL.
    func waitForURL(_ server: Process) throws -> String {
        guard let handle = (server.standardOutput as? Pipe)?.fileHandleForReading else { throw CLIError.noOutput }
        var text = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let r = text.range(of: "http://"), let end = text[r.lowerBound...].firstIndex(where: { $0 == "\n" || $0 == " " }) {
                return String(text[r.lowerBound..<end])
            }
        }
        throw CLIError.noOutput
    }

    enum CLIError: Error { case noOutput }

    func shell(_ argv: [String]) throws -> Run {
        let p = process(argv)
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }
}
