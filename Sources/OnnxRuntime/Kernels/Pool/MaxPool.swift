import OnnxModel

extension NN {
    /// MaxPool: the maximum over each window (padding never wins), with optional int64 Indices
    /// (flat positions in X, row-major or, with storage_order=1, column-major within each plane).
    /// ceil_mode and dilations from opset 10; int8/uint8 inputs from opset 12.
    public struct MaxPool: OpKernel {
        public static let sinceVersions = [1, 8, 10, 11, 12, 22]
        let spec: PoolSpec
        let storageOrder: Int

        public init(_ node: NodeContext) throws {
            spec = try PoolSpec(node, dilations: true)
            storageOrder = try node.int("storage_order", default: 0)
            guard storageOrder == 0 || storageOrder == 1 else { throw KernelError("storage_order must be 0 or 1, got \(storageOrder)") }
        }

        public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
            let x = try inputs.tensor(0)
            let geo = try spec.geometry(x)
            let t = x.dtype
            guard t == .float || t == .double || t.isReducedFloat || t == .int8 || t == .uint8 else {
                throw KernelError.unsupported("input type \(t.name) is not supported")
            }
            let wantIndex = context.outputCount > 1 && context.wants(1)
            let planes = x.shape[0] * x.shape[1]
            let shape = Array(x.shape[0..<2]) + geo.outSize
            let (y, idx): (Tensor, Tensor?)
            if t == .double {
                (y, idx) = MaxPool.apply(x, geo, planes, shape, wantIndex, storageOrder, context.threads, Double.self)
            } else {
                let (yf, i) = MaxPool.apply(try Cast.convert(x, to: .float), geo, planes, shape, wantIndex, storageOrder, context.threads, Float.self)
                (y, idx) = (try Cast.convert(yf, to: t), i)
            }
            return idx.map { [.tensor(y), .tensor($0)] } ?? [.tensor(y)]
        }

        static func apply<T: FloatElement>(_ x: Tensor, _ geo: WindowGeometry, _ planes: Int, _ shape: [Int], _ wantIndex: Bool,
                                           _ storageOrder: Int, _ threads: Int, _: T.Type) -> (Tensor, Tensor?) {
            let (vals, idx, taps) = x.withUnsafeBuffer(as: T.self) { p in
                PoolEngine.pool(.max, p.baseAddress!, planes: planes, geo: geo, wantIndex: wantIndex, includePad: false, threads: threads)
            }
            let count = Tensor.elementCount(shape)
            // Windows with no input element (possible with large dilations) give 0, like onnxruntime.
            let empty = PoolEngine.product(geo, taps.map { tp in zip(tp.t0, tp.t1).map { $0.1 > $0.0 ? 1 : 0 } })
            let hasEmpty = empty.contains(0)
            let outPlane = geo.outCount
            // x is float or double here (T): the pooled values become the output as they are.
            let y = hasEmpty ? Tensor.make(x.dtype, shape, as: T.self) { d in
                for i in 0..<count { d[i] = empty[i % outPlane] == 0 ? 0 : vals.base[i] }
            } : Tensor(dtype: x.dtype, shape: shape, buffer: vals.storage)
            guard let idx else { return (y, nil) }
            let inPlane = geo.inCount
            let colStrides = Shapes.strides(geo.inSize.reversed()).reversed().map { $0 }
            let rowStrides = Shapes.strides(geo.inSize)
            let indices = Tensor.make(.int64, shape, as: Int64.self) { d in
                for i in 0..<count {
                    var v = idx.base[i]
                    if storageOrder == 1 && v >= 0 {
                        let plane = v / inPlane
                        var rest = v % inPlane, col = 0
                        for k in 0..<geo.rank { col += (rest / rowStrides[k]) * colStrides[k]; rest %= rowStrides[k] }
                        v = plane * inPlane + col
                    }
                    d[i] = Int64(v)
                }
            }
            return (y, indices)
        }
    }
}
