/// ThresholdedRelu: y = x for x > alpha, 0 otherwise.
public struct ThresholdedRelu: OpKernel {
    public static let sinceVersions = [10, 22]
    let f: F

    struct F: FloatFunction {
        let alpha: Double
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T) -> T { x > T(alpha) ? x : 0 }
    }

    public init(_ node: NodeContext) throws {
        f = F(alpha: Double(try node.float("alpha", default: 1)))
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        [.tensor(try Dispatch.unaryFloat(try inputs.tensor(0), f, op: "ThresholdedRelu"))]
    }
}
