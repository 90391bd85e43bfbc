import OnnxModel

extension NN {
    /// RotaryEmbedding (opset 23): rotates the first rotary_embedding_dim features of each head
    /// by position-dependent angles: (x1, x2) -> (cos*x1 - sin*x2, sin*x1 + cos*x2), with x1/x2
    /// the two halves (or, interleaved, the even/odd features). X is [B, H, S, D] or
    /// [B, S, H*D] (num_heads); cos/sin caches are [B, S, d/2], or [max_pos, d/2] indexed by
    /// position_ids [B, S].
    public struct RotaryEmbedding: OpKernel {
        public static let sinceVersions = [23]
        let interleaved: Bool
        let rotaryDim: Int
        let numHeads: Int

        public init(_ node: NodeContext) throws {
            interleaved = try node.int("interleaved", default: 0) != 0
            rotaryDim = try node.int("rotary_embedding_dim", default: 0)
            numHeads = try node.int("num_heads", default: 0)
            guard rotaryDim >= 0, numHeads >= 0 else { throw KernelError("rotary_embedding_dim and num_heads must not be negative") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), cosT = try inputs.tensor(1), sinT = try inputs.tensor(2)
            let pos = try inputs.optionalTensor(3)
            try ConvTypes.check(x, "X")
            let batch: Int, seq: Int, heads: Int, head: Int
            // Element (b, s, h, k) lives at b*bs + s*ss + h*hs + k.
            let bs: Int, ss: Int, hs: Int
            if x.rank == 4 {
                (batch, heads, seq, head) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
                (bs, hs, ss) = (heads * seq * head, seq * head, head)
            } else if x.rank == 3 {
                guard numHeads > 0, x.shape[2] % numHeads == 0 else { throw KernelError("3-D input needs num_heads dividing its hidden size \(x.shape[2])") }
                (batch, seq, heads, head) = (x.shape[0], x.shape[1], numHeads, x.shape[2] / numHeads)
                (bs, ss, hs) = (seq * heads * head, heads * head, head)
            } else {
                throw KernelError("X must be 3-D or 4-D, got \(shapeText(x.shape))")
            }
            let dim = rotaryDim == 0 ? head : rotaryDim
            guard dim <= head, dim % 2 == 0 else { throw KernelError("rotary_embedding_dim \(dim) must be even and at most the head size \(head)") }
            let half = dim / 2
            // Cache row of every (b, s).
            var rows = [Int](repeating: 0, count: batch * seq)
            if let pos {
                let p = try pos.intValues()
                guard p.count == batch * seq else { throw KernelError("position_ids \(shapeText(pos.shape)) must be [\(batch), \(seq)]") }
                guard cosT.rank == 2, cosT.shape[1] == half, sinT.shape == cosT.shape else {
                    throw KernelError("cos_cache/sin_cache must be [max_position, \(half)], got \(shapeText(cosT.shape)) and \(shapeText(sinT.shape))")
                }
                for (i, v) in p.enumerated() {
                    guard v >= 0 && v < cosT.shape[0] else { throw KernelError("position id \(v) is outside the cache of \(cosT.shape[0]) rows") }
                    rows[i] = v
                }
            } else {
                guard cosT.shape == [batch, seq, half], sinT.shape == cosT.shape else {
                    throw KernelError("cos_cache/sin_cache must be [\(batch), \(seq), \(half)], got \(shapeText(cosT.shape)) and \(shapeText(sinT.shape))")
                }
                for i in 0..<(batch * seq) { rows[i] = i }
            }
            let ct = ConvTypes.compute(x.dtype)
            let xv = try Cast.convert(x, to: .double).elements(as: Double.self)
            let cv = try Cast.convert(cosT, to: .double).elements(as: Double.self), sv = try Cast.convert(sinT, to: .double).elements(as: Double.self)
            var out = xv
            for b in 0..<batch {
                for s in 0..<seq {
                    let r = rows[b * seq + s] * half
                    for h in 0..<heads {
                        let base = b * bs + s * ss + h * hs
                        for k in 0..<half {
                            let (i1, i2) = interleaved ? (base + 2 * k, base + 2 * k + 1) : (base + k, base + half + k)
                            let x1 = xv[i1], x2 = xv[i2], c = cv[r + k], sn = sv[r + k]
                            out[i1] = c * x1 - sn * x2
                            out[i2] = sn * x1 + c * x2
                        }
                    }
                }
            }
            let y = try Cast.convert(Tensor(shape: x.shape, out), to: ct)
            return [.tensor(try ConvTypes.to(y, x.dtype))]
        }
    }
}
