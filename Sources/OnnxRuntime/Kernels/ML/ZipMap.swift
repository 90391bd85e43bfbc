import OnnxModel

/// ai.onnx.ml ZipMap: each row of scores ([N, C], or one row of C) becomes a map from class
/// label to score; the output is a sequence of N maps.
public struct ZipMap: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let keys: Tensor

    public init(_ node: NodeContext) throws {
        let s = try node.strings("classlabels_strings") ?? []
        let i = try ML.int64s(node, "classlabels_int64s") ?? []
        guard s.isEmpty != i.isEmpty else { throw KernelError("needs exactly one of classlabels_strings and classlabels_int64s") }
        keys = s.isEmpty ? Tensor(shape: [i.count], i) : Tensor(strings: s, shape: [s.count])
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x0 = try inputs.tensor(0)
        guard x0.dtype == .float else { throw KernelError("X must be float, got \(x0.dtype.name)") }
        guard x0.rank == 1 || x0.rank == 2 else { throw KernelError("X must be 1-D or 2-D, got \(shapeText(x0.shape))") }
        let c = x0.shape[x0.rank - 1]
        guard c == keys.count else { throw KernelError("X has \(c) columns for \(keys.count) class labels") }
        let n = x0.rank == 1 ? 1 : x0.shape[0]
        let v = x0.elements(as: Float.self)
        let maps: [Value] = (0..<n).map { i in
            .map(MapValue(keys: keys, values: (0..<c).map { .tensor(.scalar(v[i * c + $0])) }))
        }
        return [.sequence(SequenceValue(maps))]
    }
}
