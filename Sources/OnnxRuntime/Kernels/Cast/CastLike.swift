import OnnxModel

/// CastLike: Cast to the type of the second input.
public struct CastLike: OpKernel {
    public static let sinceVersions = [15, 19, 21, 23, 24, 25]
    let saturate: Bool
    let roundMode: FloatFormats.RoundMode

    public init(_ node: NodeContext) throws {
        saturate = try node.int("saturate", default: 1) != 0
        roundMode = FloatFormats.RoundMode(rawValue: try node.string("round_mode", default: "up")) ?? .up
    }

    public func run(_ inputs: [Value?], _ context: KernelContext) throws -> [Value] {
        let x = try inputs.tensor(0), like = try inputs.tensor(1)
        return [.tensor(try Cast.convert(x, to: like.dtype, saturate: saturate, roundMode: roundMode))]
    }
}
