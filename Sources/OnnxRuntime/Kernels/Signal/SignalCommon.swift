#if canImport(Glibc)
import Glibc
#endif
import OnnxModel

extension NN {
    /// Layer (a) of the signal family: complex DFTs in double, radix-2 FFT for power-of-two
    /// lengths and a table-driven O(n^2) transform otherwise.
    enum Spectral {
        /// In-place forward (sign -1) or unnormalised inverse (sign +1) transform of n complex values.
        static func transform(_ re: inout [Double], _ im: inout [Double], inverse: Bool) {
            let n = re.count
            if n <= 1 { return }
            let sign: Double = inverse ? 1 : -1
            if n & (n - 1) == 0 {
                // Bit reversal, then butterflies.
                var j = 0
                for i in 1..<n {
                    var bit = n >> 1
                    while j & bit != 0 { j ^= bit; bit >>= 1 }
                    j |= bit
                    if i < j { re.swapAt(i, j); im.swapAt(i, j) }
                }
                var len = 2
                while len <= n {
                    let ang = sign * 2 * Double.pi / Double(len)
                    for k in 0..<(len / 2) {
                        let wr = cos(ang * Double(k)), wi = sin(ang * Double(k))
                        var s = 0
                        while s < n {
                            let a = s + k, b = s + k + len / 2
                            let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                            re[b] = re[a] - tr; im[b] = im[a] - ti
                            re[a] += tr; im[a] += ti
                            s += len
                        }
                    }
                    len <<= 1
                }
                return
            }
            var cosT = [Double](repeating: 0, count: n), sinT = cosT
            for k in 0..<n { let a = 2 * Double.pi * Double(k) / Double(n); cosT[k] = cos(a); sinT[k] = sign * sin(a) }
            var outR = [Double](repeating: 0, count: n), outI = outR
            for k in 0..<n {
                var sr = 0.0, si = 0.0, idx = 0
                for t in 0..<n {
                    let c = cosT[idx], s = sinT[idx]
                    sr += re[t] * c - im[t] * s
                    si += re[t] * s + im[t] * c
                    idx += k
                    if idx >= n { idx -= n }
                }
                outR[k] = sr; outI[k] = si
            }
            re = outR; im = outI
        }

        /// Window values (periodic uses N, symmetric N - 1 as the period).
        /// The attributes and the run of the window ops (Hann, Hamming, Blackman), which differ
        /// only in their weight function.
        struct WindowOp {
            let periodic: Bool
            let outputType: DataType

            init(_ node: NodeContext) throws(KernelError) {
                periodic = try node.int("periodic", default: 1) != 0
                outputType = try Spectral.outputType(node)
            }

            /// `weight(n, N)` for n in 0..<size, N = size (periodic) or size - 1.
            func run(_ inputs: [Value?], _ weight: (Double, Double) -> Double) throws -> [Value] {
                let n = try Spectral.size(try inputs.tensor(0), "size")
                let w = Spectral.window(n, periodic: periodic, weight)
                return [.tensor(try Cast.convert(Tensor(shape: [n], w), to: outputType))]
            }
        }

        static func window(_ size: Int, periodic: Bool, _ f: (Double, Double) -> Double) -> [Double] {
            let period = Double(periodic ? size : size - 1)
            return (0..<size).map { f(Double($0), period) }
        }

        static func outputType(_ node: NodeContext) throws(KernelError) -> DataType {
            let code = try node.int("output_datatype", default: 1)
            guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)), t.isNativeNumeric || t.isReducedFloat else {
                throw KernelError("output_datatype \(code) is not a numeric type")
            }
            return t
        }

        static func size(_ t: Tensor, _ what: String) throws(KernelError) -> Int {
            guard t.count == 1 else { throw KernelError("\(what) must be a scalar, got \(shapeText(t.shape))") }
            let v = try t.intValues()[0]
            guard v >= 0 && v < 1 << 28 else { throw KernelError("\(what) \(v) is out of range") }
            return v
        }
    }
}
