/// Reshape: same data, new shape. `0` copies the input dim (unless `allowzero`), `-1` is inferred.
/// Opset 1-4 take the shape as an attribute.
public struct Reshape: OpKernel {
    public static let sinceVersions = [1, 5, 13, 14, 19, 21, 23, 24, 25]
    let allowZero: Bool
    let shapeAttr: [Int]?

    public init(_ node: NodeContext) throws {
        allowZero = try node.int("allowzero", default: 0) != 0
        shapeAttr = node.sinceVersion < 5 ? try node.ints("shape") : nil
    }

    public static func target(_ input: [Int], _ spec: [Int], allowZero: Bool) throws(KernelError) -> [Int] {
        var out = spec
        var infer: Int?
        for (i, d) in spec.enumerated() {
            if d == 0 && !allowZero {
                guard i < input.count else { throw KernelError("shape \(shapeText(spec)) copies dim \(i) but the input has rank \(input.count)") }
                out[i] = input[i]
            } else if d == -1 {
                guard infer == nil else { throw KernelError("shape \(shapeText(spec)) has more than one -1") }
                infer = i
            } else if d < 0 {
                throw KernelError("shape \(shapeText(spec)) has a negative dimension")
            }
        }
        let total = Tensor.elementCount(input)
        if let i = infer {
            var known = 1
            for (k, d) in out.enumerated() where k != i { known *= d }
            guard known != 0, total % known == 0 else {
                throw KernelError("cannot reshape \(shapeText(input)) (\(total) elements) to \(shapeText(spec))")
            }
            out[i] = total / known
        }
        guard Tensor.elementCount(out) == total else {
            throw KernelError("cannot reshape \(shapeText(input)) (\(total) elements) to \(shapeText(spec))")
        }
        return out
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        let spec = try shapeAttr ?? inputs.tensor(1).intValues()
        return [.tensor(x.reshaped(try Reshape.target(x.shape, spec, allowZero: allowZero)))]
    }
}
