import OnnxModel

extension Recent {
    /// LinearAttention: the recurrent linear-attention update over T steps with state S
    /// [B, H_kv, d_k, d_v] (past_state, zeros without it), per `update_rule`:
    /// linear S += k⊗v; gated S = e^g S + k⊗v; delta S += k⊗β(v - Sᵀk);
    /// gated_delta S = e^g S + k⊗β(v - (e^g S)ᵀk); each step reads o = scale · qᵀS, query heads
    /// sharing KV heads in groups (GQA). Q/K/V/decay/beta are packed [B, T, H·D]. Computed in
    /// float32; outputs [B, T, H_q·d_v] and present_state.
    public struct LinearAttention: OpKernel {
        public static let sinceVersions = [27]
        let qHeads: Int
        let kvHeads: Int
        let scale: Float
        let gating: Bool
        let delta: Bool

        public init(_ node: NodeContext) throws {
            qHeads = try node.required("q_num_heads") { (n: String) throws(KernelError) in try node.int(n) }
            kvHeads = try node.required("kv_num_heads") { (n: String) throws(KernelError) in try node.int(n) }
            guard qHeads > 0, kvHeads > 0, qHeads % kvHeads == 0 else {
                throw KernelError("q_num_heads (\(qHeads)) must be a positive multiple of kv_num_heads (\(kvHeads))")
            }
            scale = try node.float("scale", default: 0)
            switch try node.string("update_rule", default: "gated_delta") {
            case "linear": (gating, delta) = (false, false)
            case "gated": (gating, delta) = (true, false)
            case "delta": (gating, delta) = (false, true)
            case "gated_delta": (gating, delta) = (true, true)
            case let r: throw KernelError("update_rule '\(r)' is not one of linear, gated, delta, gated_delta")
            }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let q = try inputs.tensor(0), k = try inputs.tensor(1), v = try inputs.tensor(2)
            let past = try inputs.optionalTensor(3), decay = try inputs.optionalTensor(4), beta = try inputs.optionalTensor(5)
            for (name, t) in [("query", q), ("key", k), ("value", v)] where t.rank != 3 {
                throw KernelError("\(name) must be [B, T, H*D], got \(shapeText(t.shape))")
            }
            let (b, steps) = (q.shape[0], q.shape[1])
            guard k.shape[0] == b, v.shape[0] == b, k.shape[1] == steps, v.shape[1] == steps else {
                throw KernelError("query, key and value differ in batch or sequence length")
            }
            guard q.shape[2] % qHeads == 0, v.shape[2] % kvHeads == 0 else {
                throw KernelError("the last dimensions do not split into q_num_heads / kv_num_heads heads")
            }
            let dk = q.shape[2] / qHeads, dv = v.shape[2] / kvHeads
            guard k.shape[2] == kvHeads * dk else { throw KernelError("key's last dimension must be kv_num_heads x \(dk)") }
            if gating != (decay != nil) { throw KernelError(gating ? "this update_rule needs the decay input" : "this update_rule takes no decay input") }
            if delta != (beta != nil) { throw KernelError(delta ? "this update_rule needs the beta input" : "this update_rule takes no beta input") }
            var decayPerDim = false
            if let decay {
                guard decay.rank == 3, decay.shape[0] == b, decay.shape[1] == steps,
                      decay.shape[2] == kvHeads || decay.shape[2] == kvHeads * dk else {
                    throw KernelError("decay must be [B, T, \(kvHeads)] or [B, T, \(kvHeads * dk)], got \(shapeText(decay.shape))")
                }
                decayPerDim = decay.shape[2] == kvHeads * dk && dk != 1
            }
            if let beta {
                guard beta.rank == 3, beta.shape[0] == b, beta.shape[1] == steps, beta.shape[2] == kvHeads || beta.shape[2] == 1 else {
                    throw KernelError("beta must be [B, T, \(kvHeads)] or [B, T, 1], got \(shapeText(beta.shape))")
                }
            }
            if let past, past.shape != [b, kvHeads, dk, dv] {
                throw KernelError("past_state must be \(shapeText([b, kvHeads, dk, dv])), got \(shapeText(past.shape))")
            }
            let qv = try Recent.floats(q, what: "query"), kv = try Recent.floats(k, what: "key"), vv = try Recent.floats(v, what: "value")
            let gv = try decay.map { t throws(KernelError) in try Recent.floats(t, what: "decay") }
            let bv = try beta.map { t throws(KernelError) in try Recent.floats(t, what: "beta") }
            var state = try past.map { t throws(KernelError) in try Recent.floats(t, what: "past_state") } ?? [Float](repeating: 0, count: b * kvHeads * dk * dv)
            let betaWidth = beta?.shape[2] ?? 1
            let s = scale == 0 ? 1 / Float(dk).squareRoot() : scale
            let group = qHeads / kvHeads
            var out = [Float](repeating: 0, count: b * steps * qHeads * dv)
            var vt = [Float](repeating: 0, count: dv)
            for n in 0..<b {
                for t in 0..<steps {
                    let row = n * steps + t
                    for h in 0..<kvHeads {
                        let sBase = (n * kvHeads + h) * dk * dv
                        let kBase = row * kvHeads * dk + h * dk
                        if let gv {
                            for d in 0..<dk {
                                let g = Float.exp(decayPerDim ? gv[row * kvHeads * dk + h * dk + d] : gv[row * kvHeads + h])
                                for m in 0..<dv { state[sBase + d * dv + m] *= g }
                            }
                        }
                        for m in 0..<dv { vt[m] = vv[row * kvHeads * dv + h * dv + m] }
                        if let bv {
                            let be = bv[row * betaWidth + (betaWidth == 1 ? 0 : h)]
                            for m in 0..<dv {
                                var r: Float = 0
                                for d in 0..<dk { r += state[sBase + d * dv + m] * kv[kBase + d] }
                                vt[m] = be * (vt[m] - r)
                            }
                        }
                        for d in 0..<dk {
                            let kd = kv[kBase + d]
                            for m in 0..<dv { state[sBase + d * dv + m] += kd * vt[m] }
                        }
                    }
                    for hq in 0..<qHeads {
                        let sBase = (n * kvHeads + hq / group) * dk * dv
                        let qBase = row * qHeads * dk + hq * dk
                        for m in 0..<dv {
                            var o: Float = 0
                            for d in 0..<dk { o += qv[qBase + d] * state[sBase + d * dv + m] }
                            out[row * qHeads * dv + hq * dv + m] = s * o
                        }
                    }
                }
            }
            let outShape = [b, steps, qHeads * dv], stateShape = [b, kvHeads, dk, dv]
            let stateType = past?.dtype ?? q.dtype
            func make(_ v: [Float], _ shape: [Int], _ t: DataType) throws(KernelError) -> Tensor {
                t == .double ? Tensor(shape: shape, v.map { Double($0) }) : try Recent.tensor(v, shape, t)
            }
            return [.tensor(try make(out, outShape, q.dtype)), .tensor(try make(state, stateShape, stateType))]
        }
    }
}
