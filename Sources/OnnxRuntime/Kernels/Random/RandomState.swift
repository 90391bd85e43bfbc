import OnnxModel

/// The random source of the random ops: numpy's legacy `RandomState` (MT19937 seeded with
/// init_genrand, 53-bit doubles, the polar Gaussian, binomial by inversion), so a seeded op
/// draws exactly what onnx's reference implementation draws for the same seed. Without a seed
/// each run starts from a fresh system-random seed.
struct RandomState {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 624
    private var gauss: Double? = nil

    init(seed: UInt32) {
        mt[0] = seed
        for i in 1..<624 {
            mt[i] = 1812433253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// Seeded from the `seed` attribute (a float, truncated like Python's int()), else at random.
    init(seedAttribute: Float?) {
        if let s = seedAttribute, s.isFinite {
            self.init(seed: UInt32(truncatingIfNeeded: Int64(s.rounded(.towardZero))))
        } else {
            self.init(seed: UInt32.random(in: 0...UInt32.max))
        }
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (mt[i] & 0x8000_0000) | (mt[(i + 1) % 624] & 0x7fff_ffff)
            var v = mt[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { v ^= 0x9908_b0df }
            mt[i] = v
        }
        index = 0
    }

    mutating func next32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A double in [0, 1) from 53 random bits.
    mutating func nextDouble() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67108864.0 + b) / 9007199254740992.0
    }

    /// A standard normal sample (Marsaglia's polar method, one value kept for the next call).
    mutating func nextGaussian() -> Double {
        if let g = gauss {
            gauss = nil
            return g
        }
        var x1 = 0.0, x2 = 0.0, r2 = 0.0
        repeat {
            x1 = 2 * nextDouble() - 1
            x2 = 2 * nextDouble() - 1
            r2 = x1 * x1 + x2 * x2
        } while r2 >= 1 || r2 == 0
        let f = (-2 * Double.log(r2) / r2).squareRoot()
        gauss = f * x1
        return f * x2
    }

    /// One Bernoulli(p) draw as numpy's legacy binomial(1, p) makes it: inversion on
    /// min(p, 1 - p), flipped for p > 0.5 (p must be in [0, 1]).
    mutating func nextBernoulli(_ p: Double) -> Bool {
        let flip = p > 0.5
        let pp = flip ? 1 - p : p
        let q = 1 - pp
        let qn = Double.exp(Double.log(q))
        let bound = Swift.min(1, pp + 10 * (pp * q + 1).squareRoot())
        var x = 0.0, px = qn, u = nextDouble()
        while u > px {
            x += 1
            if x > bound {
                x = 0
                px = qn
                u = nextDouble()
            } else {
                u -= px
                px = ((2 - x) * pp * px) / (x * q)
            }
        }
        return flip ? x == 0 : x != 0
    }

    /// The `dtype` attribute of a random op: float16, float, double or bfloat16.
    static func dtype(_ code: Int?, default d: DataType) throws(KernelError) -> DataType {
        guard let code else { return d }
        guard let t = DataType(rawValue: Int32(truncatingIfNeeded: code)) else { throw KernelError("dtype \(code) is not a tensor type") }
        return t
    }

    static func checkFloat(_ t: DataType) throws(KernelError) {
        guard t == .float || t == .double || t == .float16 || t == .bfloat16 else {
            throw KernelError("dtype must be float16, bfloat16, float or double, got \(t.name)")
        }
    }

    /// Samples (computed in Double) as a tensor of `dtype`.
    static func tensor(_ values: [Double], _ shape: [Int], _ dtype: DataType) throws(KernelError) -> Tensor {
        let d = Tensor(shape: shape, values)
        return dtype == .double ? d : try Cast.convert(dtype == .float ? d : Tensor(shape: shape, values.map { Float($0) }), to: dtype)
    }
}
