import OnnxModel

extension NN {
    /// CenterCropPad: crops or zero-pads each listed axis to the requested size, centred (the
    /// odd pixel goes to the end).
    public struct CenterCropPad: OpKernel {
        public static let sinceVersions = [18]
        let axes: [Int]?

        public init(_ node: NodeContext) throws {
            axes = try node.ints("axes")
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let shape = try inputs.tensor(1).intValues()
            let ax = try (axes ?? Array(0..<x.rank)).map { a throws(KernelError) in try Shapes.axis(a, rank: x.rank) }
            guard shape.count == ax.count else { throw KernelError("shape has \(shape.count) entries for \(ax.count) axes") }
            var out = x.shape
            var srcStart = [Int](repeating: 0, count: x.rank), dstStart = srcStart
            for (i, a) in ax.enumerated() {
                let want = shape[i], have = x.shape[a]
                guard want >= 0 else { throw KernelError("shape entry \(want) is negative") }
                out[a] = want
                if want < have { srcStart[a] = (have - want) / 2 } else if want > have { dstStart[a] = (want - have) / 2 }
            }
            _ = try Shapes.checked(out, what: "output shape")
            let copy = (0..<x.rank).map { Swift.min(x.shape[$0], out[$0]) }
            let srcStrides = Shapes.strides(x.shape), dstStrides = Shapes.strides(out)
            let total = Tensor.elementCount(copy)
            struct V: StorageVisitor {
                let x: Tensor, out: [Int], copy: [Int], total: Int, srcStart: [Int], dstStart: [Int], ss: [Int], ds: [Int]
                func visit<T>(_: T.Type) -> Tensor {
                    let z = Tensor.zeros(x.dtype, out)
                    if total == 0 { return z }
                    let dst = z.buffer.base.assumingMemoryBound(to: T.self)
                    x.withUnsafeBuffer(as: T.self) { s in
                        var idx = [Int](repeating: 0, count: copy.count)
                        for i in 0..<total {
                            ConvEngine.unflatten(i, copy, into: &idx)
                            var so = 0, d = 0
                            for k in 0..<copy.count { so += (idx[k] + srcStart[k]) * ss[k]; d += (idx[k] + dstStart[k]) * ds[k] }
                            dst[d] = s[so]
                        }
                    }
                    return z
                }
            }
            guard x.dtype != .string else { throw KernelError.unsupported("string tensors are not supported") }
            return [.tensor(try x.dtype.visitStorage(V(x: x, out: out, copy: copy, total: total, srcStart: srcStart, dstStart: dstStart,
                                                       ss: srcStrides, ds: dstStrides)))]
        }
    }
}
