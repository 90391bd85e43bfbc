/// Add: a + b, with numpy broadcasting (opset 1-6: the legacy `broadcast`/`axis` form).
public struct Add: OpKernel {
    public static let sinceVersions = [1, 6, 7, 13, 14]
    let legacy: LegacyBroadcast

    struct F: BinaryFloatFunction, BinaryIntFunction {
        @inline(__always) func callAsFunction<T: FloatElement>(_ a: T, _ b: T) -> T { T.add(a, b) }
        @inline(__always) func callAsFunction<T: IntElement>(_ a: T, _ b: T) -> T { a &+ b }
    }

    public init(_ node: NodeContext) throws {
        legacy = try LegacyBroadcast(node)
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (a, b) = try legacy.align(try inputs.tensor(0), try inputs.tensor(1))
        if let sum = Add.parallelFloat(a, b) { return [.tensor(sum)] }
        return [.tensor(try Dispatch.binary(a, b, numeric: F(), op: "Add"))]
    }
}
