import OnnxModel

extension NN {
    /// GRU (gates z, r, h): z = f(X Wz + H Rz + b), r = f(X Wr + H Rr + b),
    /// h~ = g(X Wh + (r * H) Rh + Rbh + Wbh) or, with linear_before_reset, g(X Wh + r * (H Rh + Rbh) + Wbh),
    /// H = (1 - z) * h~ + z * H. Directions, layouts, activations (default Sigmoid, Tanh), clip,
    /// sequence_lens and initial_h as for RNN.
    public struct GRU: OpKernel {
        public static let sinceVersions = [1, 3, 7, 14, 22]
        let spec: RecurrentSpec
        let linearBeforeReset: Bool

        public init(_ node: NodeContext) throws {
            spec = try RecurrentSpec(node, fallback: [.sigmoid, .tanh])
            linearBeforeReset = try node.int("linear_before_reset", default: 0) != 0
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0), w = try inputs.tensor(1), r = try inputs.tensor(2)
            try ConvTypes.check(x, "X")
            let s = try spec.sizes(x, w, r, gates: 3)
            let outs: [Tensor]
            if ConvTypes.compute(x.dtype) == .double {
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
            let b = try RecurrentSpec.param(try inputs.optionalTensor(3), [dirs, 6 * h], ct, "B")
            let lens = try RecurrentSpec.lengths(try inputs.optionalTensor(4), batch: batch, seq: seq)
            let h0 = try RecurrentSpec.param(try inputs.optionalTensor(5), spec.layout == 0 ? [dirs, batch, h] : [batch, dirs, h], ct, "initial_h")
                .map { t throws(KernelError) in spec.layout == 0 ? t : try Transpose.apply(t, perm: [1, 0, 2]) }
            let y = Scratch<T>(seq * dirs * batch * h)
            y.base.update(repeating: 0, count: seq * dirs * batch * h)
            let hState = Scratch<T>(dirs * batch * h)
            let gates = Scratch<T>(batch * 3 * h)      // x projections + recurrent parts of z, r (and h when linear_before_reset)
            let hr = Scratch<T>(batch * h)             // recurrent part of h~
            let rh = Scratch<T>(batch * h)             // r * H
            let px = x.buffer.base.assumingMemoryBound(to: T.self), pw = w.buffer.base.assumingMemoryBound(to: T.self)
            let pr = r.buffer.base.assumingMemoryBound(to: T.self)
            for d in 0..<dirs {
                let reverse = spec.direction == .reverse || d == 1
                let f = spec.activations[2 * d], g = spec.activations[2 * d + 1]
                let xw = try Recurrent.inputProjection(px, pw + d * 3 * h * s.input, rows: seq * batch, input: s.input, cols: 3 * h)
                let hp = hState.base + d * batch * h
                if let h0 { h0.withUnsafeBuffer(as: T.self) { hp.update(from: $0.baseAddress! + d * batch * h, count: batch * h) } }
                else { hp.update(repeating: 0, count: batch * h) }
                var wb = [T](repeating: 0, count: 3 * h), rb = wb
                if let b { b.withUnsafeBuffer(as: T.self) { p in for j in 0..<(3 * h) { wb[j] = p[d * 6 * h + j]; rb[j] = p[d * 6 * h + 3 * h + j] } } }
                let rd = pr + d * 3 * h * h
                for step in 0..<seq {
                    for bi in 0..<batch {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let gp = gates.base + bi * 3 * h
                        if step < lens[bi] { gp.update(from: xw.base + (t * batch + bi) * 3 * h, count: 3 * h) } else { gp.update(repeating: 0, count: 3 * h) }
                        (hr.base + bi * h).update(repeating: 0, count: h)
                    }
                    guard h > 0 && batch > 0 else { continue }
                    // z and r: += H Rzr^T
                    try T.nnGemm(transA: false, transB: true, m: batch, n: 2 * h, k: h, alpha: 1, a: hp, lda: h, b: rd, ldb: h,
                                 beta: 1, c: gates.base, ldc: 3 * h)
                    if linearBeforeReset {
                        try T.nnGemm(transA: false, transB: true, m: batch, n: h, k: h, alpha: 1, a: hp, lda: h, b: rd + 2 * h * h, ldb: h,
                                     beta: 0, c: hr.base, ldc: h)
                    }
                    for bi in 0..<batch {
                        let gp = gates.base + bi * 3 * h
                        for j in 0..<(2 * h) { gp[j] += wb[j] + rb[j] }
                        Recurrent.clip(gp, 2 * h, spec.clip)
                        f.apply(gp, 2 * h)
                        let rr = gp + h, hb = hp + bi * h
                        for j in 0..<h { rh.base[bi * h + j] = rr[j] * hb[j] }
                    }
                    if !linearBeforeReset {
                        try T.nnGemm(transA: false, transB: true, m: batch, n: h, k: h, alpha: 1, a: rh.base, lda: h, b: rd + 2 * h * h, ldb: h,
                                     beta: 0, c: hr.base, ldc: h)
                    }
                    for bi in 0..<batch where step < lens[bi] {
                        let t = reverse ? lens[bi] - 1 - step : step
                        let gp = gates.base + bi * 3 * h
                        let z = gp, rr = gp + h, hh = gp + 2 * h, rec = hr.base + bi * h
                        if linearBeforeReset {
                            for j in 0..<h { hh[j] += wb[2 * h + j] + rr[j] * (rec[j] + rb[2 * h + j]) }
                        } else {
                            for j in 0..<h { hh[j] += rec[j] + wb[2 * h + j] + rb[2 * h + j] }
                        }
                        Recurrent.clip(hh, h, spec.clip)
                        g.apply(hh, h)
                        let hb = hp + bi * h
                        for j in 0..<h { hb[j] = (1 - z[j]) * hh[j] + z[j] * hb[j] }
                        (y.base + ((t * dirs + d) * batch + bi) * h).update(from: hb, count: h)
                    }
                }
            }
            return try Recurrent.outputs(y: y, states: [hState], seq: seq, dirs: dirs, batch: batch, hidden: h, layout: spec.layout, type: x0.dtype, T.self)
        }
    }
}
