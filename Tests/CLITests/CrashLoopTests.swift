import Foundation
import Testing

/// The short run of the crash loop (Tools/crashloop.py): the server under load and the JSONL import are killed
/// with SIGKILL at random moments and restarted; nothing acknowledged may be lost or written twice.
@Suite struct CrashLoopTests {
    @Test func killingTheWriterAtRandomLosesNothingAcknowledgedAndDuplicatesNothing() throws {
        let cli = CLI()
        let tool = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path + "/Tools/crashloop.py"
        let run = try cli.shell(["/usr/bin/env", "python3", tool, "--bin", cli.binary, "--kills", "6", "--mode", "both", "--seed", "7"])
        #expect(run.status == 0, "\(run.out)\(run.err)")
        #expect(run.out.contains("\"lost\": 0"))
        #expect(run.out.contains("\"duplicated\": 0"))
        #expect(run.out.contains("\"chain_intact\": true"))
        #expect(run.out.contains("\"projections_equal_rebuild\": true"))
    }
}
