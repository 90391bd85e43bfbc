import OnnxModel

extension NN {
    /// LpNormalization: x / ||x||_p along `axis` (p = 1 or 2); a zero norm gives 0.
    public struct LpNormalization: OpKernel {
        public static let sinceVersions = [1, 22]
        let axis: Int
        let p: Int

        public init(_ node: NodeContext) throws {
            axis = try node.int("axis", default: -1)
            p = try node.int("p", default: 2)
            guard p == 1 || p == 2 else { throw KernelError("p must be 1 or 2, got \(p)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let a = try Shapes.axis(axis, rank: x.rank)
            let p = self.p
            let outs = try NormSupport.run(x) { (xc: Tensor) throws(KernelError) -> [Tensor] in
                if xc.dtype == .double { return [LpNormalization.apply(xc, axis: a, p: p, Double.self)] }
                return [LpNormalization.apply(xc, axis: a, p: p, Float.self)]
            }
            return [.tensor(outs[0])]
        }

        static func apply<T: FloatElement>(_ x: Tensor, axis: Int, p: Int, _: T.Type) -> Tensor {
            if x.rank == 0 { return x }
            let n = x.shape[axis]
            let outer = Tensor.elementCount(Array(x.shape[..<axis])), inner = Tensor.elementCount(Array(x.shape[(axis + 1)...]))
            return x.withUnsafeBuffer(as: T.self) { s in
                Tensor.make(x.dtype, x.shape, as: T.self) { d in
                    for o in 0..<outer {
                        for i in 0..<inner {
                            let base = o * n * inner + i
                            var acc = 0.0
                            for k in 0..<n {
                                let v = s[base + k * inner].asDouble
                                acc += p == 1 ? Swift.abs(v) : v * v
                            }
                            let norm = p == 1 ? acc : acc.squareRoot()
                            for k in 0..<n { d[base + k * inner] = norm == 0 ? 0 : T(s[base + k * inner].asDouble / norm) }
                        }
                    }
                }
            }
        }
    }
}
