import Explorer
import OnnxRuntime
import Reports

/// Turns the explorer's debugging options (`--input`, `--dim`, `--seed`, `--reference`,
/// `--keep-budget`, `--break-on`, tolerances) into `DebugOptions`.
enum DebugOptionsParsing {
    /// `512M`, `2G`, `1.5GB`, `65536` (bytes); powers of 1024.
    static func bytes(_ s: String) -> Int? {
        var t = Substring(s.uppercased())
        if t.hasSuffix("IB") { t = t.dropLast(2) } else if t.hasSuffix("B") { t = t.dropLast() }
        var scale = 1.0
        if let last = t.last, let k = ["K": 1024.0, "M": 1048576.0, "G": 1073741824.0, "T": 1099511627776.0][String(last)] {
            scale = k
            t = t.dropLast()
        }
        guard let v = Double(t), v >= 0, v * scale < 9e18 else { return nil }
        return Int(v * scale)
    }

    static func make(inputs: [String], dims: [String], seed: UInt64?, reference: String?, keepBudget: String?,
                     breakOn: [String], rtol: Double, atol: Double, threads: Int) throws -> DebugOptions {
        var o = DebugOptions()
        do {
            for s in inputs {
                let (n, p) = try RunInputs.pair(s, what: "--input")
                o.inputFiles[n] = p
            }
            for s in dims {
                let (n, v) = try RunInputs.pair(s, what: "--dim")
                guard let d = Int(v), d >= 0 else { throw CommandFailure(message: "--dim \(s): VALUE must be a non-negative integer") }
                o.dims[n] = d
            }
        } catch let e as RunInputs.Failure {
            throw CommandFailure(message: e.description)
        }
        o.seed = seed
        o.referencePath = reference
        if let k = keepBudget {
            guard let b = bytes(k) else { throw CommandFailure(message: "--keep-budget '\(k)': expected a size such as 512M or 2G") }
            o.keepBudget = b
        }
        for b in breakOn {
            guard let bp = Breakpoint(parsing: b) else { throw CommandFailure(message: "--break-on '\(b)': expected nan, inf, node:NAME, op:TYPE or abs>X") }
            o.breakOn.append(bp)
        }
        guard rtol >= 0, atol >= 0 else { throw CommandFailure(message: "--rtol and --atol must not be negative") }
        o.rtol = rtol
        o.atol = atol
        guard threads > 0 else { throw CommandFailure(message: "--threads must be at least 1") }
        o.threads = threads
        return o
    }
}
