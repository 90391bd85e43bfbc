/// The kernels of issue 5 items 4 and 5: ai.onnx.ml, text, random and training ops, and the
/// recent ops no other family covers.
extension OpRegistry {
    mutating func registerMLKernels() {
        // ML (ai.onnx.ml)
        register(ArrayFeatureExtractor.self); register(Binarizer.self); register(CastMap.self); register(CategoryMapper.self);
        register(DictVectorizer.self); register(FeatureVectorizer.self); register(Imputer.self); register(LabelEncoder.self);
        register(LinearClassifier.self); register(LinearRegressor.self); register(Normalizer.self); register(OneHotEncoder.self);
        register(Scaler.self); register(SVMClassifier.self); register(SVMRegressor.self); register(TreeEnsemble.self);
        register(TreeEnsembleClassifier.self); register(TreeEnsembleRegressor.self); register(ZipMap.self)
        // Text
        register(RegexFullMatch.self); register(StringConcat.self); register(StringNormalizer.self); register(StringSplit.self);
        register(TfIdfVectorizer.self)
        // Random
        register(Bernoulli.self); register(Multinomial.self); register(RandomNormal.self); register(RandomNormalLike.self);
        register(RandomUniform.self); register(RandomUniformLike.self)
        // Training (ai.onnx.preview.training)
        register(Adagrad.self); register(Adam.self); register(Momentum.self)
        // Recent (opsets 24+, not covered by another family)
        register(Recent.BitCast.self); register(Recent.CausalConvWithState.self); register(Recent.LinearAttention.self);
        register(Recent.FlexAttention.self); register(Recent.SwiGLU.self); register(Recent.TensorScatter.self)
    }
}
