import OnnxModel

/// ai.onnx.ml FeatureVectorizer: concatenates the inputs' rows into one float row of
/// sum(inputdimensions) columns; each input is cut or zero-padded to its declared width. A 1-D
/// input is one row.
public struct FeatureVectorizer: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let dims: [Int]

    public init(_ node: NodeContext) throws {
        dims = try node.ints("inputdimensions") ?? []
        guard dims.allSatisfy({ $0 >= 0 }) else { throw KernelError("inputdimensions must not be negative") }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        guard inputs.count == dims.count else {
            throw KernelError("\(inputs.count) inputs for \(dims.count) inputdimensions values")
        }
        let first = try inputs.tensor(0)
        let n = first.rank <= 1 ? 1 : first.shape[0]
        let total = try Shapes.checked([n, dims.reduce(0, +)], what: "output shape")
        let width = total[1]
        var out = [Float](repeating: 0, count: n * width)
        var offset = 0
        for (k, d) in dims.enumerated() {
            let t = try inputs.tensor(k)
            guard t.dtype.isNativeNumeric else { throw KernelError("input \(k) must be numeric, got \(t.dtype.name)") }
            let rows = t.rank <= 1 ? 1 : t.shape[0]
            guard rows == n else { throw KernelError("input \(k) has \(rows) rows, input 0 has \(n)") }
            let size = rows == 0 ? 0 : t.count / rows
            let v = try ML.floats(t)
            let copy = min(size, d)
            for r in 0..<n {
                for j in 0..<copy { out[r * width + offset + j] = v[r * size + j] }
            }
            offset += d
        }
        return [.tensor(Tensor(shape: [n, width], out))]
    }
}
