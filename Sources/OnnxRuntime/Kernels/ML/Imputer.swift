import OnnxModel

/// ai.onnx.ml Imputer: replaces every `replaced_value_*` (NaN by default for floats) with the
/// imputed value of its feature (the last dimension), or the single imputed value.
public struct Imputer: OpKernel {
    public static let domain = ML.domain
    public static let sinceVersions = [1]
    let floatValues: [Float]
    let intValues: [Int64]
    let replacedFloat: Float
    let replacedInt: Int64

    public init(_ node: NodeContext) throws {
        floatValues = try node.floats("imputed_value_floats") ?? []
        intValues = try ML.int64s(node, "imputed_value_int64s") ?? []
        replacedFloat = try node.float("replaced_value_float", default: 0)
        replacedInt = Int64(try node.int("replaced_value_int64", default: 0))
        guard !floatValues.isEmpty || !intValues.isEmpty else {
            throw KernelError("needs imputed_value_floats or imputed_value_int64s")
        }
    }

    func impute<T: NumericElement>(_ x: Tensor, _ values: [T], _ isMissing: (T) -> Bool) throws(KernelError) -> Tensor {
        let c = x.rank == 0 ? 1 : x.shape[x.rank - 1]
        guard values.count == 1 || values.count == c else {
            throw KernelError("\(values.count) imputed values for \(c) features")
        }
        return Tensor.make(x.dtype, x.shape, as: T.self) { out in
            x.withUnsafeBuffer(as: T.self) { src in
                for i in 0..<src.count {
                    out[i] = isMissing(src[i]) ? values[values.count == 1 ? 0 : i % c] : src[i]
                }
            }
        }
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        switch x.dtype {
        case .float, .double:
            guard !floatValues.isEmpty else { throw KernelError("float input needs imputed_value_floats") }
            let r = replacedFloat
            if x.dtype == .float {
                return [.tensor(try impute(x, floatValues) { r.isNaN ? $0.isNaN : $0 == r })]
            }
            return [.tensor(try impute(x, floatValues.map { Double($0) }) { r.isNaN ? $0.isNaN : $0 == Double(r) })]
        case .int64, .int32:
            guard !intValues.isEmpty else { throw KernelError("integer input needs imputed_value_int64s") }
            let r = replacedInt
            if x.dtype == .int64 { return [.tensor(try impute(x, intValues) { $0 == r })] }
            return [.tensor(try impute(x, intValues.map { Int32(truncatingIfNeeded: $0) }) { Int64($0) == r })]
        default:
            throw KernelError("X must be float, double, int64 or int32, got \(x.dtype.name)")
        }
    }
}
