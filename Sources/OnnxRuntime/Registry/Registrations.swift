/// The explicit operator table (design.md section 4): every kernel, by family.
extension OpRegistry {
    mutating func registerStandardKernels() {
        // Activation
        register(Celu.self); register(Clip.self); register(Elu.self); register(Gelu.self); register(HardSigmoid.self);
        register(HardSwish.self); register(Hardmax.self); register(LeakyRelu.self); register(LogSoftmax.self);
        register(Mish.self); register(PRelu.self); register(Relu.self); register(Selu.self); register(Sigmoid.self);
        register(Softmax.self); register(Softplus.self); register(Softsign.self); register(Swish.self);
        register(ThresholdedRelu.self);
        // Cast
        register(Cast.self); register(CastLike.self);
        // ControlFlow
        register(If.self); register(Loop.self); register(Scan.self);
        // Generator
        register(Constant.self); register(ConstantOfShape.self); register(EyeLike.self); register(Range.self);
        // Indexing
        register(Compress.self); register(Gather.self); register(GatherElements.self); register(GatherND.self);
        register(NonZero.self); register(OneHot.self); register(ReverseSequence.self); register(Scatter.self);
        register(ScatterElements.self); register(ScatterND.self); register(Slice.self); register(TopK.self);
        register(Trilu.self); register(Unique.self);
        // Linalg
        register(Einsum.self); register(Gemm.self); register(MatMul.self);
        // Logic
        register(And.self); register(BitShift.self); register(BitwiseAnd.self); register(BitwiseNot.self);
        register(BitwiseOr.self); register(BitwiseXor.self); register(Equal.self); register(Greater.self);
        register(GreaterOrEqual.self); register(IsInf.self); register(IsNaN.self); register(Less.self);
        register(LessOrEqual.self); register(Not.self); register(Or.self); register(Where.self); register(Xor.self);
        // Loss
        register(NegativeLogLikelihoodLoss.self); register(SoftmaxCrossEntropyLoss.self);
        // Math
        register(Abs.self); register(Acos.self); register(Acosh.self); register(Add.self); register(Asin.self);
        register(Asinh.self); register(Atan.self); register(Atanh.self); register(Ceil.self); register(Cos.self);
        register(Cosh.self); register(CumProd.self); register(Div.self); register(Erf.self); register(Exp.self);
        register(Floor.self); register(Log.self); register(Max.self); register(Mean.self); register(Min.self);
        register(Mod.self); register(Mul.self); register(Neg.self); register(Pow.self); register(Reciprocal.self);
        register(Round.self); register(Sign.self); register(Sin.self); register(Sinh.self); register(Sqrt.self);
        register(Sub.self); register(Sum.self); register(Tan.self); register(Tanh.self);
        // Reduce
        register(ArgMax.self); register(ArgMin.self); register(CumSum.self); register(ReduceL1.self);
        register(ReduceL2.self); register(ReduceLogSum.self); register(ReduceLogSumExp.self); register(ReduceMax.self);
        register(ReduceMean.self); register(ReduceMin.self); register(ReduceProd.self); register(ReduceSum.self);
        register(ReduceSumSquare.self);
        // Sequence
        register(ConcatFromSequence.self); register(OptionalOp.self); register(OptionalGetElement.self);
        register(OptionalHasElement.self); register(SequenceAt.self); register(SequenceConstruct.self);
        register(SequenceEmpty.self); register(SequenceErase.self); register(SequenceInsert.self);
        register(SequenceLength.self); register(SequenceMap.self); register(SplitToSequence.self);
        // Shape
        register(Concat.self); register(DepthToSpace.self); register(Expand.self); register(Flatten.self);
        register(Identity.self); register(Pad.self); register(Reshape.self); register(Shape.self); register(Size.self);
        register(SpaceToDepth.self); register(Split.self); register(Squeeze.self); register(Tile.self);
        register(Transpose.self); register(Unsqueeze.self);
        // Neural-network kernels (convolution, pooling, normalization, attention, quantization, recurrent, resize,
        // signal, vision): RegistrationsNN.swift. ai.onnx.ml, text, random and training kernels: RegistrationsML.swift.
        registerNNKernels()
        registerMLKernels()
    }
}
