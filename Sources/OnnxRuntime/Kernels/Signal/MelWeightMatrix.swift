#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// MelWeightMatrix: [dft_length/2 + 1, num_mel_bins] triangular filters spaced evenly on the
    /// mel scale (2595 log10(1 + f/700)) between lower_edge_hertz and upper_edge_hertz.
    public struct MelWeightMatrix: OpKernel {
        public static let sinceVersions = [17]
        let outputType: DataType

        public init(_ node: NodeContext) throws {
            outputType = try Spectral.outputType(node)
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let bins = try Spectral.size(try inputs.tensor(0), "num_mel_bins")
            let dft = try Spectral.size(try inputs.tensor(1), "dft_length")
            let rate = try Spectral.size(try inputs.tensor(2), "sample_rate")
            let lo = try inputs.tensor(3).doubleValue(at: 0), hi = try inputs.tensor(4).doubleValue(at: 0)
            guard rate > 0 else { throw KernelError("sample_rate must be positive") }
            let spec = dft / 2 + 1
            let lowMel = 2595 * log1p(lo / 700) / log(10.0), highMel = 2595 * log1p(hi / 700) / log(10.0)
            let step = (highMel - lowMel) / Double(bins + 2)
            var edges = [Int](repeating: 0, count: bins + 2)
            for i in 0..<(bins + 2) {
                let hz = 700 * expm1((Double(i) * step + lowMel) / 2595 * log(10.0))
                edges[i] = Int(fromDouble: (Double(dft + 1) * hz / Double(rate)).rounded(.down))
            }
            var out = [Double](repeating: 0, count: spec * bins)
            func set(_ j: Int, _ i: Int, _ v: Double) throws(KernelError) {
                guard j >= 0 && j < spec else { throw KernelError("mel edge \(j) falls outside the \(spec) spectrogram bins") }
                out[j * bins + i] = v
            }
            for i in 0..<bins {
                let l = edges[i], c = edges[i + 1], h = edges[i + 2]
                if c - l == 0 { try set(c, i, 1) } else if c >= l {
                    for j in l...c { try set(j, i, Double(j - l) / Double(c - l)) }
                }
                if h - c > 0 { for j in c..<h { try set(j, i, Double(h - j) / Double(h - c)) } }
            }
            return [.tensor(try Cast.convert(Tensor(shape: [spec, bins], out), to: outputType))]
        }
    }
}
