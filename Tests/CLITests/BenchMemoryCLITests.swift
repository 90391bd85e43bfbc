import Foundation
import OnnxModel
import Testing
import TestSupport

/// `bench --keep none|all`: the memory figures it reports and what each mode keeps.
@Suite(.serialized) struct BenchMemoryCLITests {
    static let contract = ["runs", "median_ms", "min_ms", "max_ms", "peak_rss_bytes"]
    static let memory = ["peak_rss_scope", "process_peak_rss_bytes", "start_rss_bytes", "model_rss_bytes", "final_rss_bytes", "held_bytes"]

    /// y = Relu(x + b) on [N, 3] with N = 1000: the intermediate s is 12,000 bytes, like y.
    func bench(_ extra: [String]) throws -> [String: Any] {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        let r = try CLI.run(["bench", model, "--runs", "2", "--dim", "N=1000", "--json"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return try CLI.json(r.stdout)
    }

    @Test func keepNoneAndAllReportTheMemoryKeys() throws {
        let none = try bench(["--keep", "none"])
        let all = try bench(["--keep", "all"])
        let standard = try bench([])
        for (j, keep) in [(none, "none"), (all, "all"), (standard, "none")] {
            for key in Self.contract + Self.memory { #expect(j[key] != nil, "\(key) missing with keep \(keep)") }
            #expect(j["keep"] as? String == keep)
            #expect(j["runs"] as? Int == 2)
            let peak = j["peak_rss_bytes"] as? Int ?? 0
            #expect(peak > 0)
            #expect(peak <= j["process_peak_rss_bytes"] as? Int ?? 0)
            #expect(j["model_rss_bytes"] as? Int ?? 0 > 0)
            #expect(["runs", "process"].contains(j["peak_rss_scope"] as? String ?? ""))
        }
        // Only the output stays held without keeping; the intermediate s as well with keep all.
        #expect(none["held_bytes"] as? Int == 12_000)
        #expect(all["held_bytes"] as? Int == 24_000)
    }

    @Test func observeKeepsAll() throws {
        let j = try bench(["--observe"])
        #expect(j["keep"] as? String == "all")
        #expect(j["observed"] as? Bool == true)
    }

    @Test func badKeepValuesAreRejected() throws {
        let dir = TempDir()
        let model = dir.write("m.onnx", model: Fixtures.addRelu())
        for args in [["--keep", "some"], ["--observe", "--keep", "none"]] {
            let r = try CLI.run(["bench", model, "--runs", "1"] + args)
            #expect(r.status == 2, "\(args): status \(r.status)")
            #expect(r.stderr.contains("--keep"), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}
