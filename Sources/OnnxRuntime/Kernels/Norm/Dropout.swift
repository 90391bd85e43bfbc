import OnnxModel

extension NN {
    /// Dropout. Inference (the default, and always before opset 12): y = x and an all-true mask.
    /// Training (opset 12+, training_mode input true, ratio > 0): mask = u >= ratio with u uniform
    /// in [0, 1) from numpy's legacy MT19937 stream for the `seed` attribute (so seeded runs match
    /// the ONNX reference), y = x * mask / (1 - ratio). The mask is bool from opset 10, x's type before.
    public struct Dropout: OpKernel {
        public static let sinceVersions = [1, 6, 7, 10, 12, 13, 22]
        let ratioAttr: Float
        let seed: Int?
        let trainingInputs: Bool
        let boolMask: Bool

        public init(_ node: NodeContext) throws {
            ratioAttr = try node.float("ratio", default: 0.5)
            seed = try node.int("seed")
            trainingInputs = node.sinceVersion >= 12
            boolMask = node.sinceVersion >= 10
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            var training = false
            var ratio = Double(ratioAttr)
            if trainingInputs {
                if let r = try inputs.optionalTensor(1) {
                    guard r.count == 1 else { throw KernelError("ratio must be a scalar, got \(shapeText(r.shape))") }
                    ratio = r.doubleValue(at: 0)
                } else {
                    ratio = 0.5
                }
                if let t = try inputs.optionalTensor(2) {
                    guard t.count == 1 else { throw KernelError("training_mode must be a scalar, got \(shapeText(t.shape))") }
                    training = t.doubleValue(at: 0) != 0
                }
            }
            let wantMask = context.outputCount > 1 && context.wants(1)
            guard training && ratio != 0 else {
                guard wantMask else { return [.tensor(x)] }
                let mask = boolMask ? Tensor.make(.bool, x.shape, as: UInt8.self) { $0.update(repeating: 1) }
                                    : try Cast.convert(Tensor.make(.bool, x.shape, as: UInt8.self) { $0.update(repeating: 1) }, to: x.dtype)
                return [.tensor(x), .tensor(mask)]
            }
            guard ratio >= 0 && ratio < 1 else { throw KernelError("ratio must be in [0, 1), got \(ratio)") }
            try ConvTypes.check(x, "data")
            var rng = MT19937(seed: UInt32(truncatingIfNeeded: seed ?? Int(UInt32.random(in: 0...UInt32.max))))
            var keep = [UInt8](repeating: 0, count: x.count)
            for i in 0..<x.count { keep[i] = rng.nextDouble() >= ratio ? 1 : 0 }
            let scale = 1 / (1 - ratio)
            let xd = try Cast.convert(x, to: .double)
            let yd = xd.withUnsafeBuffer(as: Double.self) { s in
                Tensor.make(.double, x.shape, as: Double.self) { d in for i in 0..<x.count { d[i] = keep[i] != 0 ? s[i] * scale : 0 } }
            }
            var out: [Value] = [.tensor(try Cast.convert(yd, to: x.dtype))]
            if wantMask { out.append(.tensor(Tensor(dtype: .bool, shape: x.shape, keep))) }
            return out
        }
    }

    /// The Mersenne Twister with numpy's legacy `RandomState(seed)` seeding and `random_sample`
    /// doubles (53 bits from two draws).
    struct MT19937 {
        var state = [UInt32](repeating: 0, count: 624)
        var pos = 624

        init(seed: UInt32) {
            var s = seed
            for i in 0..<624 {
                state[i] = s
                s = 1812433253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
            }
        }

        mutating func next() -> UInt32 {
            if pos >= 624 {
                for i in 0..<624 {
                    let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
                    var v = state[(i + 397) % 624] ^ (y >> 1)
                    if y & 1 != 0 { v ^= 0x9908_B0DF }
                    state[i] = v
                }
                pos = 0
            }
            var y = state[pos]
            pos += 1
            y ^= y >> 11
            y ^= (y << 7) & 0x9D2C_5680
            y ^= (y << 15) & 0xEFC6_0000
            y ^= y >> 18
            return y
        }

        mutating func nextDouble() -> Double {
            let a = Double(next() >> 5), b = Double(next() >> 6)
            return (a * 67108864.0 + b) / 9007199254740992.0
        }
    }
}
