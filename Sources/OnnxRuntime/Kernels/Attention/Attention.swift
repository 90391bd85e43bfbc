import OnnxModel

extension NN {
    /// Attention (opset 23+): softmax(Q K^T * scale + bias) V per head, with 3-D inputs split
    /// into q_num_heads / kv_num_heads, grouped-query attention (kv heads shared by
    /// q_heads / kv_heads query heads), a bool or additive attn_mask broadcast to
    /// [B, Hq, Sq, Skv] (padded with -inf up to Skv), is_causal (bottom-right aligned after the
    /// past), a KV cache (present = concat(past, K/V)), nonpad_kv_seqlen (opset 24), sliding
    /// windows (opset 25), softcap and the four qk_matmul_output modes. Fully masked rows give 0.
    public struct Attention: OpKernel {
        public static let sinceVersions = [23, 24, 25]
        let isCausal: Bool
        let qHeads: Int?
        let kvHeads: Int?
        let scale: Float?
        let softcap: Float
        let qkMode: Int
        let leftWindow: Int
        let rightWindow: Int

        public init(_ node: NodeContext) throws {
            isCausal = try node.int("is_causal", default: 0) != 0
            qHeads = try node.int("q_num_heads")
            kvHeads = try node.int("kv_num_heads")
            scale = try node.float("scale")
            softcap = try node.float("softcap", default: 0)
            qkMode = try node.int("qk_matmul_output_mode", default: 0)
            leftWindow = try node.int("left_window_size", default: -1)
            rightWindow = try node.int("right_window_size", default: -1)
            guard (0...3).contains(qkMode) else { throw KernelError("qk_matmul_output_mode must be 0...3, got \(qkMode)") }
            guard leftWindow >= -1, rightWindow >= -1 else { throw KernelError("window sizes must be -1 or non-negative") }
            if let q = qHeads, q <= 0 { throw KernelError("q_num_heads must be positive, got \(q)") }
            if let k = kvHeads, k <= 0 { throw KernelError("kv_num_heads must be positive, got \(k)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let q = try inputs.tensor(0), k = try inputs.tensor(1), v = try inputs.tensor(2)
            try ConvTypes.check(q, "Q")
            guard k.dtype == q.dtype, v.dtype == q.dtype else { throw KernelError("Q, K and V must have one type") }
            let outs: [Tensor]
            if q.dtype == .double {
                outs = try compute(inputs, context, Double.self)
            } else {
                outs = try compute(inputs, context, Float.self)
            }
            return outs.map { .tensor($0) }
        }

        /// [B, S, H*D] -> [B, H, S, D]; 4-D inputs pass through.
        static func heads(_ t: Tensor, _ h: Int?, _ what: String) throws(KernelError) -> Tensor {
            if t.rank == 4 { return t }
            guard t.rank == 3 else { throw KernelError("\(what) must be 3-D or 4-D, got \(shapeText(t.shape))") }
            guard let h else { throw KernelError("3-D inputs need q_num_heads and kv_num_heads") }
            guard t.shape[2] % h == 0 else { throw KernelError("\(what) hidden size \(t.shape[2]) is not divisible by \(h) heads") }
            return try Transpose.apply(t.reshaped([t.shape[0], t.shape[1], h, t.shape[2] / h]), perm: [0, 2, 1, 3])
        }

        func compute<T: ConvScalar>(_ inputs: [Value?], _ context: KernelContext, _: T.Type) throws -> [Tensor] {
            let q0 = try inputs.tensor(0), k0 = try inputs.tensor(1), v0 = try inputs.tensor(2)
            let dtype = q0.dtype, ct = T.dataType
            let mask = try inputs.optionalTensor(3)
            let pastK = try inputs.optionalTensor(4), pastV = try inputs.optionalTensor(5)
            let nonpad = try inputs.optionalTensor(6)
            guard (pastK == nil) == (pastV == nil) else { throw KernelError("past_key and past_value must be given together") }
            if nonpad != nil && pastK != nil { throw KernelError("nonpad_kv_seqlen cannot be combined with past_key/past_value") }
            guard q0.rank == k0.rank, k0.rank == v0.rank else { throw KernelError("Q, K and V must have the same rank") }
            let threeD = q0.rank == 3
            let q = try Attention.heads(q0, qHeads, "Q"), kNew = try Attention.heads(k0, kvHeads, "K"), vNew = try Attention.heads(v0, kvHeads, "V")
            let batch = q.shape[0], hq = q.shape[1], sq = q.shape[2], dk = q.shape[3]
            let hkv = kNew.shape[1], dv = vNew.shape[3]
            guard kNew.shape[0] == batch, vNew.shape[0] == batch, vNew.shape[1] == hkv, kNew.shape[3] == dk, vNew.shape[2] == kNew.shape[2] else {
                throw KernelError("K \(shapeText(kNew.shape)) and V \(shapeText(vNew.shape)) do not match Q \(shapeText(q.shape))")
            }
            guard hkv > 0, hq % hkv == 0 else { throw KernelError("\(hq) query heads are not a multiple of \(hkv) key/value heads") }
            var kAll = kNew, vAll = vNew
            if let pastK, let pastV {
                guard pastK.rank == 4, pastK.shape[0] == batch, pastK.shape[1] == hkv, pastK.shape[3] == dk,
                      pastV.rank == 4, pastV.shape[0] == batch, pastV.shape[1] == hkv, pastV.shape[3] == dv, pastV.shape[2] == pastK.shape[2] else {
                    throw KernelError("past_key \(shapeText(pastK.shape)) / past_value \(shapeText(pastV.shape)) do not match K/V")
                }
                guard pastK.dtype == dtype, pastV.dtype == dtype else { throw KernelError("past_key/past_value must have Q's type") }
                kAll = try Concat.apply([pastK, kNew], axis: 2)
                vAll = try Concat.apply([pastV, vNew], axis: 2)
            }
            let past = pastK?.shape[2] ?? 0
            let skv = kAll.shape[2]
            // Scale sqrt(scale) into Q and K, rounded to the input type like the reference.
            let s = Double(scale ?? Float(1 / Double(dk).squareRoot()))
            let rs = dtype.isReducedFloat ? Attention.rounded(T(s.squareRoot()), dtype) : T(s.squareRoot())
            let reduced = dtype.isReducedFloat
            func prepared(_ t: Tensor, _ mul: T?) throws(KernelError) -> [T] {
                var a = try ConvTypes.to(t, ct).elements(as: T.self)
                if let mul { for i in 0..<a.count { a[i] *= mul } }
                if reduced { a = try Cast.convert(Cast.convert(Tensor(dtype: ct, shape: [a.count], a), to: dtype), to: ct).elements(as: T.self) }
                return a
            }
            let qv = try prepared(q, rs), kv = try prepared(kAll, rs), vv = try prepared(vAll, nil)
            // Bias pieces: the mask (bool -> 0/-inf), broadcast right-aligned to [B, Hq, Sq, Lm].
            var maskVals: [T]? = nil
            var maskStrides = [0, 0, 0, 0], maskLen = 0
            if let mask {
                guard mask.rank >= 1 && mask.rank <= 4 else { throw KernelError("attn_mask must have rank 1...4, got \(shapeText(mask.shape))") }
                var ms = [Int](repeating: 1, count: 4 - mask.rank) + mask.shape
                maskLen = ms[3]
                guard maskLen <= skv else { throw KernelError("attn_mask's last dim \(maskLen) exceeds the key length \(skv)") }
                for (d, n) in [batch, hq, sq].enumerated() where ms[d] != 1 && ms[d] != n {
                    throw KernelError("attn_mask \(shapeText(mask.shape)) does not broadcast to [\(batch),\(hq),\(sq),\(skv)]")
                }
                maskStrides = Shapes.broadcastStrides(ms, to: [batch, hq, sq, maskLen])
                if mask.dtype == .bool {
                    maskVals = mask.withUnsafeBuffer(as: UInt8.self) { p in p.map { $0 != 0 ? T(0) : -T.infinity } }
                } else {
                    maskVals = try ConvTypes.to(mask, ct).elements(as: T.self)
                }
                ms = []
            }
            var lens: [Int]? = nil
            if let nonpad {
                let l = try nonpad.intValues()
                guard l.count == batch else { throw KernelError("nonpad_kv_seqlen has \(l.count) entries, the batch is \(batch)") }
                lens = l
            }
            let wantQK = context.outputCount > 3 && context.wants(3)
            let yCount = batch * hq * sq * dv
            var y = [T](repeating: 0, count: yCount)
            var qkOut = wantQK ? [T](repeating: 0, count: batch * hq * sq * skv) : []
            let scores = Scratch<T>(sq * skv), bias = Scratch<T>(sq * skv)
            let group = hq / hkv
            let cap = T(softcap)
            try qv.withUnsafeBufferPointer { qp in
                try kv.withUnsafeBufferPointer { kp in
                    try vv.withUnsafeBufferPointer { vp in
                        try y.withUnsafeMutableBufferPointer { yp in
                            for b in 0..<batch {
                                let offset = lens.map { $0[b] - sq } ?? past
                                for h in 0..<hq {
                                    let g = h / group
                                    // bias[i, j]
                                    for i in 0..<sq {
                                        for j in 0..<skv {
                                            var v: T = 0
                                            if let maskVals {
                                                v = j < maskLen ? maskVals[b * maskStrides[0] + h * maskStrides[1] + i * maskStrides[2] + j * maskStrides[3]] : -T.infinity
                                            }
                                            if isCausal && j > i + offset { v = -T.infinity }
                                            if leftWindow >= 0 || rightWindow >= 0 {
                                                let diff = i + offset - j
                                                if (leftWindow >= 0 && diff > leftWindow) || (rightWindow >= 0 && -diff > rightWindow) { v = -T.infinity }
                                            }
                                            if let lens, j >= lens[b] { v = -T.infinity }
                                            bias.base[i * skv + j] = v
                                        }
                                    }
                                    if sq > 0 && skv > 0 {
                                        if dk > 0 {
                                            try T.nnGemm(transA: false, transB: true, m: sq, n: skv, k: dk, alpha: 1,
                                                         a: qp.baseAddress! + (b * hq + h) * sq * dk, lda: dk,
                                                         b: kp.baseAddress! + (b * hkv + g) * skv * dk, ldb: dk, beta: 0, c: scores.base, ldc: skv)
                                        } else {
                                            scores.base.update(repeating: 0, count: sq * skv)
                                        }
                                    }
                                    let n = sq * skv
                                    if reduced { try Attention.round(scores.base, n, dtype) }
                                    if softcap > 0 { for i in 0..<n { scores.base[i] = cap * T.tanh(scores.base[i] / cap) } }
                                    let qkBase = (b * hq + h) * n
                                    if wantQK && (qkMode == 0 || qkMode == 1) { for i in 0..<n { qkOut[qkBase + i] = scores.base[i] } }
                                    for i in 0..<n { scores.base[i] += bias.base[i] }
                                    if wantQK && qkMode == 2 { for i in 0..<n { qkOut[qkBase + i] = scores.base[i] } }
                                    // Softmax per row; rows whose bias is all -inf become 0.
                                    for i in 0..<sq {
                                        let row = scores.base + i * skv, brow = bias.base + i * skv
                                        var bmax = -T.infinity, m = -T.infinity
                                        if reduced { for j in 0..<skv { row[j] = Attention.rounded(row[j], dtype) } }
                                        for j in 0..<skv { bmax = Swift.max(bmax, brow[j]); m = Swift.max(m, row[j]) }
                                        if bmax == -T.infinity {
                                            row.update(repeating: 0, count: skv)
                                            continue
                                        }
                                        if m == -T.infinity { m = 0 }
                                        if reduced {
                                            Attention.reducedSoftmax(row, skv, m, dtype)
                                            continue
                                        }
                                        var sum: T = 0
                                        for j in 0..<skv { let e = T.exp(row[j] - m); row[j] = e; sum += e }
                                        if sum == 0 { sum = 1 }
                                        let inv = 1 / sum
                                        for j in 0..<skv { row[j] *= inv }
                                    }
                                    if reduced { try Attention.round(scores.base, n, dtype) }
                                    if wantQK && qkMode == 3 { for i in 0..<n { qkOut[qkBase + i] = scores.base[i] } }
                                    if sq > 0 && dv > 0 {
                                        if skv > 0 {
                                            try T.nnGemm(transA: false, transB: false, m: sq, n: dv, k: skv, alpha: 1, a: scores.base, lda: skv,
                                                         b: vp.baseAddress! + (b * hkv + g) * skv * dv, ldb: dv, beta: 0,
                                                         c: yp.baseAddress! + (b * hq + h) * sq * dv, ldc: dv)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var yt = Tensor(dtype: ct, shape: [batch, hq, sq, dv], y)
            if threeD { yt = try Transpose.apply(yt, perm: [0, 2, 1, 3]).reshaped([batch, sq, hq * dv]) }
            var outs = [try ConvTypes.to(yt, dtype)]
            if context.outputCount > 1 { outs.append(kAll) }
            if context.outputCount > 2 { outs.append(vAll) }
            if context.outputCount > 3 {
                outs.append(try ConvTypes.to(Tensor(dtype: ct, shape: wantQK ? [batch, hq, sq, skv] : [0], qkOut), dtype))
            }
            return outs
        }

        /// One value rounded to float16/bfloat16 precision.
        @inline(__always)
        static func rounded<T: ConvScalar>(_ v: T, _ t: DataType) -> T {
            T(Double(QuantSupport.roundTo(Float(v.asDouble), t)))
        }

        /// Softmax of one row as the reference computes it in a 16-bit float type: every
        /// operation rounds to the type, and bfloat16 sums element by element in bfloat16 (numpy
        /// reduces ml_dtypes arrays sequentially) while float16 sums in float32.
        static func reducedSoftmax<T: ConvScalar>(_ row: UnsafeMutablePointer<T>, _ n: Int, _ m: T, _ t: DataType) {
            var sum: T = 0
            for j in 0..<n {
                let e = rounded(T.exp(rounded(row[j] - m, t)), t)
                row[j] = e
                sum = t == .bfloat16 ? rounded(sum + e, t) : sum + e
            }
            sum = rounded(sum, t)
            if sum == 0 { sum = 1 }
            for j in 0..<n { row[j] = rounded(row[j] / sum, t) }
        }

        /// Rounds n values to `t`'s precision in place (the reference computes in the input type).
        static func round<T: ConvScalar>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ t: DataType) throws(KernelError) {
            let tmp = Tensor.make(T.dataType, [n], as: T.self) { $0.baseAddress!.update(from: p, count: n) }
            let r = try Cast.convert(try Cast.convert(tmp, to: t), to: T.dataType)
            r.withUnsafeBuffer(as: T.self) { p.update(from: $0.baseAddress!, count: n) }
        }
    }
}
