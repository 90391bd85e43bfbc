/// Greater: a > b element-wise with broadcasting, bool output.
public struct Greater: OpKernel {
    public static let sinceVersions = [1, 7, 9, 13]
    let legacy: LegacyBroadcast

    struct F: CompareFunction {
        @inline(__always) func callAsFunction<T: Comparable>(_ a: T, _ b: T) -> Bool { a > b }
    }

    public init(_ node: NodeContext) throws { legacy = try LegacyBroadcast(node) }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let (a, b) = try legacy.align(try inputs.tensor(0), try inputs.tensor(1))
        return [.tensor(try Dispatch.compare(a, b, F(), op: "Greater"))]
    }
}
