import OnnxModel

extension NN {
    /// RNN: H_t = f(X_t W^T + H_{t-1} R^T + Wb + Rb), forward/reverse/bidirectional, both
    /// layouts, custom activation (default Tanh), clip, sequence_lens and initial_h.
    /// Outputs Y [seq, dirs, batch, hidden] and Y_h [dirs, batch, hidden].
    public struct RNN: OpKernel {
        public static let sinceVersions = [1, 7, 14, 22]
        let spec: RecurrentSpec

        public init(_ node: NodeContext) throws {
            spec = try RecurrentSpec(node, fallback: [.tanh])
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1), r = try inputs.tensor(2)
            try ConvTypes.check(x, "X")
            let s = try spec.sizes(x, w, r, gates: 1)
            let ct = ConvTypes.compute(x.dtype)
            let outs: [Tensor]
            if ct == .double {
                outs = try run(inputs, x, w, r, s, Double.self)
            } else {
                outs = try run(inputs, x, w, r, s, Float.self)
            }
            return outs.prefix(max(1, min(context.outputCount, 2))).map { .tensor($0) }
        }

        func run<T: ConvScalar>(_ inputs: [Value?], _ x0: Tensor, _ w0: Tensor, _ r0: Tensor, _ s: RecurrentSpec.Sizes, _: T.Type) throws -> [Tensor] {
            let ct = T.dataType, dirs = spec.directions, h = s.hidden, batch = s.batch, seq = s.seq
            let x = try ConvTypes.to(try Recurrent.seqMajor(x0, layout: spec.layout), ct)
            let w = try ConvTypes.to(w0, ct), r = try ConvTypes.to(r0, ct)
            let b = try RecurrentSpec.param(try inputs.optionalTensor(3), [dirs, 2 * h], ct, "B")
            let lens = try RecurrentSpec.lengths(try inputs.optionalTensor(4), batch: batch, seq: seq)
            let h0 = try RecurrentSpec.param(try inputs.optionalTensor(5), spec.layout == 0 ? [dirs, batch, h] : [batch, dirs, h], ct, "initial_h")
                .map { t throws(KernelError) in spec.layout == 0 ? t : try Transpose.apply(t, perm: [1, 0, 2]) }
            let y = Scratch<T>(seq * dirs * batch * h)
            y.base.update(repeating: 0, count: seq * dirs * batch * h)
            let hState = Scratch<T>(dirs * batch * h)
            let gates = Scratch<T>(batch * h)
            let px = x.buffer.base.assumingMemoryBound(to: T.self), pw = w.buffer.base.assumingMemoryBound(to: T.self)
            let pr = r.buffer.base.assumingMemoryBound(to: T.self)
            for d in 0..<dirs {
                let reverse = spec.direction == .reverse || d == 1
                let f = spec.activations[d]
                let xw = try Recurrent.inputProjection(px, pw + d * h * s.input, rows: seq * batch, input: s.input, cols: h)
                let hp = hState.base + d * batch * h
                if let h0 { h0.withUnsafeBuffer(as: T.self) { hp.update(from: $0.baseAddress! + d * batch * h, count: batch * h) } }
                else { hp.update(repeating: 0, count: batch * h) }
                var bias = [T](repeating: 0, count: h)
                if let b { b.withUnsafeBuffer(as: T.self) { p in for j in 0..<h { bias[j] = p[d * 2 * h + j] + p[d * 2 * h + h + j] } } }
                for step in 0..<seq {
                    for bi in 0..<batch {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let g = gates.base + bi * h
                        if step < lens[bi] { g.update(from: xw.base + (t * batch + bi) * h, count: h) } else { g.update(repeating: 0, count: h) }
                    }
                    if h > 0 && batch > 0 {
                        try T.nnGemm(transA: false, transB: true, m: batch, n: h, k: h, alpha: 1, a: hp, lda: h, b: pr + d * h * h, ldb: h,
                                     beta: 1, c: gates.base, ldc: h)
                    }
                    for bi in 0..<batch where step < lens[bi] {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let g = gates.base + bi * h
                        for j in 0..<h { g[j] += bias[j] }
                        Recurrent.clip(g, h, spec.clip)
                        f.apply(g, h)
                        (hp + bi * h).update(from: g, count: h)
                        (y.base + ((t * dirs + d) * batch + bi) * h).update(from: g, count: h)
                    }
                }
            }
            return try Recurrent.outputs(y: y, states: [hState], seq: seq, dirs: dirs, batch: batch, hidden: h, layout: spec.layout, type: x0.dtype, T.self)
        }
    }
}
