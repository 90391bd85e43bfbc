/// The neural-network kernels (issue 4): convolution, pooling, normalization, recurrent,
/// attention, resampling, signal, quantization and vision ops.
///
/// They live in the `NN` namespace (`NN.Conv` is the kernel of op "Conv": `OpKernel.opType` is
/// the unqualified type name) so they never collide with kernels of the same name elsewhere in
/// the module; registered after the standard kernels, they take precedence for their ops.
public enum NN {}

extension OpRegistry {
    mutating func registerNNKernels() {
        // Attention
        register(NN.Attention.self); register(NN.RotaryEmbedding.self)
        // Conv
        register(NN.Conv.self); register(NN.ConvTranspose.self); register(NN.DeformConv.self)
        // NNMath
        register(NN.Det.self); register(NN.Shrink.self)
        // Norm
        register(NN.BatchNormalization.self); register(NN.Dropout.self); register(NN.GroupNormalization.self);
        register(NN.InstanceNormalization.self); register(NN.LayerNormalization.self); register(NN.LpNormalization.self);
        register(NN.LRN.self); register(NN.MeanVarianceNormalization.self); register(NN.RMSNormalization.self)
        // Pool
        register(NN.AveragePool.self); register(NN.GlobalAveragePool.self); register(NN.GlobalLpPool.self);
        register(NN.GlobalMaxPool.self); register(NN.LpPool.self); register(NN.MaxPool.self); register(NN.MaxRoiPool.self);
        register(NN.MaxUnpool.self)
        // Quant
        register(NN.ConvInteger.self); register(NN.DequantizeLinear.self); register(NN.DynamicQuantizeLinear.self);
        register(NN.MatMulInteger.self); register(NN.QLinearConv.self); register(NN.QLinearMatMul.self);
        register(NN.QuantizeLinear.self)
        // RNN
        register(NN.GRU.self); register(NN.LSTM.self); register(NN.RNN.self)
        // Signal
        register(NN.BlackmanWindow.self); register(NN.DFT.self); register(NN.HammingWindow.self); register(NN.HannWindow.self);
        register(NN.MelWeightMatrix.self); register(NN.STFT.self)
        // Vision
        register(NN.AffineGrid.self); register(NN.CenterCropPad.self); register(NN.Col2Im.self); register(NN.GridSample.self);
        register(NN.ImageDecoder.self); register(NN.NonMaxSuppression.self); register(NN.RoiAlign.self)
        // Resize
        register(NN.Resize.self); register(NN.Upsample.self)
    }
}
