import OnnxModel

/// ai.onnx.ml ZipMap: each row of scores becomes a map from class label to score.
public struct ZipMap: OpKernel {
    public static let domain = "ai.onnx.ml"
    public static let sinceVersions = [1]
    let keys: Tensor

    public init(_ node: NodeContext) throws {
        if let s = try node.strings("classlabels_strings") {
            keys = Tensor(strings: s, shape: [s.count])
        } else if let i = try node.ints("classlabels_int64s") {
            keys = Tensor(shape: [i.count], i.map { Int64($0) })
        } else {
            throw KernelError("needs classlabels_strings or classlabels_int64s")
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x0 = try Cast.convert(try inputs.tensor(0), to: .float)
        let x = x0.rank == 1 ? x0.reshaped([1, x0.count]) : x0
        guard x.rank == 2, x.shape[1] == keys.count else { throw KernelError("input \(shapeText(x0.shape)) does not match \(keys.count) class labels") }
        let v = x.elements(as: Float.self)
        let c = keys.count
        let maps: [Value] = (0..<x.shape[0]).map { i in
            .map(MapValue(keys: keys, values: (0..<c).map { .tensor(.scalar(v[i * c + $0])) }))
        }
        return [.sequence(SequenceValue(maps))]
    }
}
