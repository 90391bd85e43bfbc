/// PRelu: x for x >= 0, slope * x otherwise; the slope broadcasts to x (opset < 7: a 1-D slope
/// per channel of an [N,C,...] input).
public struct PRelu: OpKernel {
    public static let sinceVersions = [1, 6, 7, 9, 16]

    struct F: BinaryFloatFunction, BinaryIntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ x: T, _ s: T) -> T { x >= 0 ? x : s * x }
        @inline(__always) func callAsFunction<T: IntElement>(_ x: T, _ s: T) -> T { x >= 0 ? x : s &* x }
    }

    public init(_ node: NodeContext) throws {}

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0)
        var slope = try inputs.tensor(1)
        if slope.rank == 1 && x.rank > 2 && slope.count == x.shape[1] && slope.count != x.shape[x.rank - 1] {
            slope = slope.reshaped([slope.count] + [Int](repeating: 1, count: x.rank - 2))
        }
        return [.tensor(try Dispatch.binary(x, slope, numeric: F(), op: "PRelu"))]
    }
}
