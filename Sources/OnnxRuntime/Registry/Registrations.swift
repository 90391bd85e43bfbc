/// The explicit operator table (design.md section 4): every kernel, by family.
extension OpRegistry {
    mutating func registerStandardKernels() {
        // Activation
        register(HardSwish.self); register(Mish.self); register(Relu.self); register(Sigmoid.self);
        register(Softplus.self); register(Softsign.self);
        // Cast
        register(Cast.self); register(CastLike.self);
        // Math
        register(Abs.self); register(Acos.self); register(Acosh.self); register(Add.self); register(Asin.self);
        register(Asinh.self); register(Atan.self); register(Atanh.self); register(Ceil.self); register(Cos.self);
        register(Cosh.self); register(Div.self); register(Erf.self); register(Exp.self); register(Floor.self);
        register(Log.self); register(Mul.self); register(Neg.self); register(Reciprocal.self); register(Round.self);
        register(Sign.self); register(Sin.self); register(Sinh.self); register(Sqrt.self); register(Sub.self);
        register(Tan.self); register(Tanh.self);
        // Shape
        register(Concat.self); register(DepthToSpace.self); register(Expand.self); register(Flatten.self);
        register(Identity.self); register(Pad.self); register(Reshape.self); register(Shape.self); register(Size.self);
        register(SpaceToDepth.self); register(Split.self); register(Squeeze.self); register(Tile.self);
        register(Transpose.self); register(Unsqueeze.self);
    }
}
