import OnnxModel
@testable import OnnxRuntime
import Testing

// Attribute literals for the ai.onnx.ml tables.
func floats(_ name: String, _ v: [Float]) -> Attribute { Attribute(name, .floats(v)) }
func strings(_ name: String, _ v: [String]) -> Attribute { Attribute(name, .strings(v.map { Array($0.utf8) })) }
func tensorAttr(_ name: String, _ t: Tensor) -> Attribute { Attribute(name, .tensor(t.tensorData(name: name))) }

/// Runs one op of `domain` through the standard registry like the interpreter does.
func runOp(domain: String, _ op: String, opset: Int, attrs: [Attribute], _ inputs: [Value?], outputs: Int) throws -> [Value] {
    let node = Node(opType: op, name: "n", inputs: inputs.enumerated().map { $0.element == nil ? "" : "x\($0.offset)" },
                    outputs: (0..<outputs).map { "y\($0)" }, attributes: attrs)
    guard case let .found(since, make) = OpRegistry.standard.resolve(domain: domain, opType: op, opset: opset) else {
        throw KernelError("no kernel for \(domain):\(op) at opset \(opset)")
    }
    let k = try make(NodeContext(node: node, opset: opset, sinceVersion: since))
    return try k.run(inputs, KernelContext(outputCount: outputs, outputNames: node.outputs))
}

/// `check` for a domain other than the default one.
func check(domain: String, _ c: OpCase, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let out = try runOp(domain: domain, c.op, opset: c.opset, attrs: c.attrs, c.inputs.map { $0.map(Value.tensor) },
                            outputs: max(c.expected.count, 1))
        if let e = c.error {
            Issue.record("\(c.name): expected an error containing '\(e)', got \(out.count) outputs", sourceLocation: sourceLocation)
            return
        }
        for (k, e) in c.expected.enumerated() where k < out.count {
            guard let t = out[k].tensor else { Issue.record("\(c.name): output \(k) is not a tensor", sourceLocation: sourceLocation); continue }
            assertClose(t, e, rtol: 1e-4, atol: 1e-5, c.name + " output \(k)", sourceLocation: sourceLocation)
        }
    } catch {
        if let e = c.error {
            #expect("\(error)".contains(e), "\(c.name): error '\(error)' does not mention '\(e)'", sourceLocation: sourceLocation)
        } else {
            Issue.record("\(c.name): \(error)", sourceLocation: sourceLocation)
        }
    }
}

@Suite struct MLKernelTests {
    static let x2 = f32([2, 2], [2, 1, 0, 1])
    /// One tree: x0 <= 0.5 ? leaf 1 : leaf 2.
    static let stump: [Attribute] = [
        ints("nodes_treeids", [0, 0, 0]), ints("nodes_nodeids", [0, 1, 2]), ints("nodes_featureids", [0, 0, 0]),
        strings("nodes_modes", ["BRANCH_LEQ", "LEAF", "LEAF"]), floats("nodes_values", [0.5, 0, 0]),
        ints("nodes_truenodeids", [1, 0, 0]), ints("nodes_falsenodeids", [2, 0, 0]),
    ]
    static let cases: [OpCase] = [
        OpCase("linear classifier multiclass", "LinearClassifier", opset: 1,
               [floats("coefficients", [1, 0, 0, 1, 1, 1]), floats("intercepts", [0, 0, 0]), ints("classlabels_ints", [10, 20, 30])],
               [f32([1, 2], [1, 2])], [i64([1], [30]), f32([1, 3], [1, 2, 3])]),
        OpCase("linear classifier softmax strings", "LinearClassifier", opset: 1,
               [floats("coefficients", [1, 0, 0, 1]), floats("intercepts", [0, 0]), strings("classlabels_strings", ["a", "b"]),
                string("post_transform", "SOFTMAX")],
               [f32([1, 2], [0, 0])], [strs([1], ["a"]), f32([1, 2], [0.5, 0.5])]),
        OpCase("linear classifier binary", "LinearClassifier", opset: 1,
               [floats("coefficients", [1, -1]), floats("intercepts", [0]), ints("classlabels_ints", [0, 1])],
               [x2], [i64([2], [1, 0]), f32([2, 2], [0, 1, 2, -1])]),
        OpCase("linear classifier bad coefficients", "LinearClassifier", opset: 1,
               [floats("coefficients", [1, 2, 3]), floats("intercepts", [0, 0])], [x2], error: "coefficients"),
        OpCase("linear regressor", "LinearRegressor", opset: 1, [floats("coefficients", [1, 2]), floats("intercepts", [0.5])],
               [x2], [f32([2, 1], [4.5, 2.5])]),
        OpCase("linear regressor 2 targets", "LinearRegressor", opset: 1, [floats("coefficients", [1, 0, 0, 1]), int("targets", 2)],
               [x2], [f32([2, 2], [2, 1, 0, 1])]),
        OpCase("normalizer max", "Normalizer", opset: 1, [string("norm", "MAX")], [f32([2, 2], [1, 4, -2, -1])], [f32([2, 2], [0.25, 1, 2, 1])]),
        OpCase("normalizer l1", "Normalizer", opset: 1, [string("norm", "L1")], [f32([1, 3], [1, -2, 1])], [f32([1, 3], [0.25, -0.5, 0.25])]),
        OpCase("normalizer l2 int", "Normalizer", opset: 1, [string("norm", "L2")], [i64([1, 2], [3, -4])], [f32([1, 2], [0.6, -0.8])]),
        OpCase("normalizer zero row", "Normalizer", opset: 1, [string("norm", "L2")], [f32([1, 2], [0, 0])], [f32([1, 2], [0, 0])]),
        OpCase("scaler", "Scaler", opset: 1, [floats("offset", [1, 2]), floats("scale", [2, 0.5])], [x2], [f32([2, 2], [2, -0.5, -2, -0.5])]),
        OpCase("scaler one value", "Scaler", opset: 1, [floats("scale", [3])], [i64([2], [1, 2])], [f32([2], [3, 6])]),
        OpCase("scaler bad width", "Scaler", opset: 1, [floats("offset", [1, 2, 3])], [x2], error: "3 values"),
        OpCase("binarizer", "Binarizer", opset: 1, [float("threshold", 1)], [f32([3], [0.5, 1, 1.5])], [f32([3], [0, 0, 1])]),
        OpCase("array feature extractor", "ArrayFeatureExtractor", opset: 1, [f32([2, 3], [1, 2, 3, 4, 5, 6]), i64([2], [2, 0])],
               [f32([2, 2], [3, 1, 6, 4])]),
        OpCase("array feature extractor 1-D strings", "ArrayFeatureExtractor", opset: 1, [strs([3], ["a", "b", "c"]), i64([1], [1])],
               [strs([1, 1], ["b"])]),
        OpCase("array feature extractor out of range", "ArrayFeatureExtractor", opset: 1, [x2, i64([1], [2])], error: "out of range"),
        OpCase("one hot encoder ints", "OneHotEncoder", opset: 1, [ints("cats_int64s", [3, 5])], [i64([3], [5, 3, 4])],
               [f32([3, 2], [0, 1, 1, 0, 0, 0])]),
        OpCase("one hot encoder strings 2-D", "OneHotEncoder", opset: 1, [strings("cats_strings", ["x", "y"])], [strs([1, 2], ["y", "x"])],
               [f32([1, 2, 2], [0, 1, 1, 0])]),
        OpCase("one hot encoder zeros=0", "OneHotEncoder", opset: 1, [ints("cats_int64s", [1]), int("zeros", 0)], [i64([1], [2])],
               error: "no category"),
        OpCase("label encoder v1 string to int", "LabelEncoder", opset: 1, [strings("classes_strings", ["a", "b"])], [strs([3], ["b", "a", "z"])],
               [i64([3], [1, 0, -1])]),
        OpCase("label encoder v1 int to string", "LabelEncoder", opset: 1, [strings("classes_strings", ["a", "b"])], [i64([2], [1, 7])],
               [strs([2], ["b", "_Unused"])]),
        OpCase("label encoder v2 string to float", "LabelEncoder", opset: 2,
               [strings("keys_strings", ["a", "b"]), floats("values_floats", [1.5, 2.5]), float("default_float", 9)],
               [strs([2, 2], ["a", "c", "b", "a"])], [f32([2, 2], [1.5, 9, 2.5, 1.5])]),
        OpCase("label encoder v2 int to string", "LabelEncoder", opset: 2,
               [ints("keys_int64s", [1, 2]), strings("values_strings", ["one", "two"])], [i64([3], [2, 1, 3])],
               [strs([3], ["two", "one", "_Unused"])]),
        OpCase("label encoder v4 tensors, NaN key", "LabelEncoder", opset: 4,
               [tensorAttr("keys_tensor", f64([2], [.nan, 1])), tensorAttr("values_tensor", i32([2], [7, 8])),
                tensorAttr("default_tensor", i32([1], [-5]))],
               [f64([3], [1, .nan, 2])], [i32([3], [8, 7, -5])]),
        OpCase("label encoder length mismatch", "LabelEncoder", opset: 2,
               [ints("keys_int64s", [1, 2]), ints("values_int64s", [1])], [i64([1], [1])], error: "2 keys but 1 values"),
        OpCase("category mapper string to int", "CategoryMapper", opset: 1,
               [strings("cats_strings", ["a", "b"]), ints("cats_int64s", [5, 6])], [strs([3], ["b", "a", "q"])], [i64([3], [6, 5, -1])]),
        OpCase("category mapper int to string", "CategoryMapper", opset: 1,
               [strings("cats_strings", ["a", "b"]), ints("cats_int64s", [5, 6]), string("default_string", "?")],
               [i64([2], [6, 0])], [strs([2], ["b", "?"])]),
        OpCase("imputer nan", "Imputer", opset: 1, [floats("imputed_value_floats", [7, 8]), float("replaced_value_float", .nan)],
               [f32([2, 2], [.nan, 1, 2, .nan])], [f32([2, 2], [7, 1, 2, 8])]),
        OpCase("imputer int", "Imputer", opset: 1, [ints("imputed_value_int64s", [9]), int("replaced_value_int64", -1)],
               [i64([3], [-1, 0, -1])], [i64([3], [9, 0, 9])]),
        OpCase("feature vectorizer pads and cuts", "FeatureVectorizer", opset: 1, [ints("inputdimensions", [1, 3])],
               [f32([2, 2], [1, 2, 3, 4]), i64([2, 2], [5, 6, 7, 8])], [f32([2, 4], [1, 5, 6, 0, 3, 7, 8, 0])]),
        OpCase("tree regressor stump", "TreeEnsembleRegressor", opset: 1,
               stump + [int("n_targets", 1), ints("target_treeids", [0, 0]), ints("target_nodeids", [1, 2]), ints("target_ids", [0, 0]),
                        floats("target_weights", [1, 2]), floats("base_values", [0.5])],
               [f32([3, 1], [0, 1, .nan])], [f32([3, 1], [1.5, 2.5, 2.5])]),
        OpCase("tree regressor average of two trees", "TreeEnsembleRegressor", opset: 3,
               [ints("nodes_treeids", [0, 1]), ints("nodes_nodeids", [0, 0]), ints("nodes_featureids", [0, 0]),
                strings("nodes_modes", ["LEAF", "LEAF"]), tensorAttr("nodes_values_as_tensor", f64([2], [0, 0])),
                ints("nodes_truenodeids", [0, 0]), ints("nodes_falsenodeids", [0, 0]), int("n_targets", 1),
                ints("target_treeids", [0, 1]), ints("target_nodeids", [0, 0]), ints("target_ids", [0, 0]),
                floats("target_weights", [1, 4]), string("aggregate_function", "AVERAGE")],
               [f64([1, 1], [0])], [f32([1, 1], [2.5])]),
        OpCase("tree regressor missing node", "TreeEnsembleRegressor", opset: 1,
               [ints("nodes_treeids", [0]), ints("nodes_nodeids", [0]), ints("nodes_featureids", [0]), strings("nodes_modes", ["BRANCH_LT"]),
                floats("nodes_values", [0]), ints("nodes_truenodeids", [4]), ints("nodes_falsenodeids", [0]), int("n_targets", 1)],
               [x2], error: "does not exist"),
        OpCase("tree classifier three classes", "TreeEnsembleClassifier", opset: 1,
               stump + [ints("class_treeids", [0, 0, 0]), ints("class_nodeids", [1, 2, 2]), ints("class_ids", [0, 1, 2]),
                        floats("class_weights", [1, 0.25, 0.75]), ints("classlabels_int64s", [4, 5, 6])],
               [f32([2, 1], [0, 1])], [i64([2], [4, 6]), f32([2, 3], [1, 0, 0, 0, 0.25, 0.75])]),
        OpCase("tree classifier binary probabilities", "TreeEnsembleClassifier", opset: 1,
               stump + [ints("class_treeids", [0, 0]), ints("class_nodeids", [1, 2]), ints("class_ids", [1, 1]),
                        floats("class_weights", [0.25, 0.75]), strings("classlabels_strings", ["no", "yes"])],
               [f32([2, 1], [0, 1])], [strs([2], ["no", "yes"]), f32([2, 2], [0, 0.25, 0, 0.75])]),
        OpCase("tree classifier binary one score logistic", "TreeEnsembleClassifier", opset: 1,
               stump + [ints("class_treeids", [0, 0]), ints("class_nodeids", [1, 2]), ints("class_ids", [0, 0]),
                        floats("class_weights", [0.25, 0.75]), ints("classlabels_int64s", [0, 1]), string("post_transform", "LOGISTIC")],
               [f32([2, 1], [0, 1])], [i64([2], [0, 1]), f32([2, 2], [0.43782347, 0.56217653, 0.32082129, 0.67917871])]),
        OpCase("tree classifier binary mixed weights", "TreeEnsembleClassifier", opset: 1,
               stump + [ints("class_treeids", [0, 0]), ints("class_nodeids", [1, 2]), ints("class_ids", [0, 0]),
                        floats("class_weights", [0.25, -0.75]), ints("classlabels_int64s", [0, 1])],
               [f32([2, 1], [0, 1])], [i64([2], [1, 0]), f32([2, 2], [-0.25, 0.25, 0.75, -0.75])]),
        OpCase("linear classifier binary logistic", "LinearClassifier", opset: 1,
               [floats("coefficients", [0.3, -0.1]), floats("intercepts", [0]), ints("classlabels_ints", [0, 1]), string("post_transform", "LOGISTIC")],
               [f32([3, 2], [2, 1, 0, 1, 0, 0])], [i64([3], [1, 0, 0]), f32([3, 2], [0.37754065, 0.62245935, 0.5249792, 0.47502083, 0.5, 0.5])]),
        OpCase("svm classifier binary rbf", "SVMClassifier", opset: 1,
               [ints("vectors_per_class", [1, 1]), floats("support_vectors", [0, 1]), floats("coefficients", [0.7, -0.4]), floats("rho", [0.1]),
                string("kernel_type", "RBF"), floats("kernel_params", [0.5, 0, 0]), ints("classlabels_ints", [3, 4])],
               [f32([2, 1], [0, 1])], [i64([2], [3, 3]), f32([2, 2], [-0.5573877, 0.5573877, -0.12457145, 0.12457145])]),
        OpCase("svm classifier binary rbf logistic", "SVMClassifier", opset: 1,
               [ints("vectors_per_class", [1, 1]), floats("support_vectors", [0, 1]), floats("coefficients", [0.7, -0.4]), floats("rho", [0.1]),
                string("kernel_type", "RBF"), floats("kernel_params", [0.5, 0, 0]), ints("classlabels_ints", [3, 4]), string("post_transform", "LOGISTIC")],
               [f32([2, 1], [0, 1])], [i64([2], [3, 3]), f32([2, 2], [0.36415207, 0.6358479, 0.46889734, 0.5311026])]),
        OpCase("svm regressor linear", "SVMRegressor", opset: 1, [floats("coefficients", [1, 2]), floats("rho", [1]), floats("kernel_params", [])],
               [x2], [f32([2, 1], [5, 3])]),
        OpCase("svm regressor rbf one class", "SVMRegressor", opset: 1,
               [floats("coefficients", [1]), floats("rho", [-0.5]), floats("support_vectors", [0, 1]), int("n_supports", 1),
                string("kernel_type", "RBF"), floats("kernel_params", [1, 0, 0]), int("one_class", 1)],
               [x2], [f32([2, 1], [-1, 1])]),
        OpCase("svm classifier linear multiclass", "SVMClassifier", opset: 1,
               [floats("coefficients", [1, 0, 0, 1, -1, -1]), floats("rho", [0]), ints("classlabels_ints", [1, 2, 3]), floats("kernel_params", [])],
               [x2], [i64([2], [1, 2]), f32([2, 3], [2, 1, -3, 0, 1, -1])]),
    ]

    @Test(arguments: cases) func kernel(_ c: OpCase) { check(domain: "ai.onnx.ml", c) }

    @Test func zipMapMakesASequenceOfMaps() throws {
        let out = try runOp(domain: "ai.onnx.ml", "ZipMap", opset: 1, attrs: [ints("classlabels_int64s", [3, 7])],
                            [.tensor(f32([2, 2], [0.1, 0.9, 0.6, 0.4]))], outputs: 1)
        guard case let .sequence(s) = out[0] else { Issue.record("not a sequence"); return }
        #expect(s.elements.count == 2)
        guard case let .map(m) = s.elements[1] else { Issue.record("not a map"); return }
        #expect(m.keys.elements(as: Int64.self) == [3, 7])
        #expect(m.values.compactMap { $0.tensor?.elements(as: Float.self).first } == [0.6, 0.4])
    }

    @Test func dictVectorizerReadsMaps() throws {
        let m = MapValue(keys: strs([2], ["b", "z"]), values: [.tensor(.scalar(Float(2))), .tensor(.scalar(Float(5)))])
        let out = try runOp(domain: "ai.onnx.ml", "DictVectorizer", opset: 1, attrs: [strings("string_vocabulary", ["a", "b"])],
                            [.map(m)], outputs: 1)
        assertClose(try #require(out[0].tensor), f32([1, 2], [0, 2]))
        let seq = try runOp(domain: "ai.onnx.ml", "DictVectorizer", opset: 1, attrs: [strings("string_vocabulary", ["z"])],
                            [.sequence(SequenceValue([.map(m), .map(m)]))], outputs: 1)
        assertClose(try #require(seq[0].tensor), f32([2, 1], [5, 5]))
        #expect(throws: KernelError.self) {
            _ = try runOp(domain: "ai.onnx.ml", "DictVectorizer", opset: 1, attrs: [strings("string_vocabulary", ["a"])],
                          [.tensor(f32([1], [1]))], outputs: 1)
        }
    }

    @Test func castMapDenseAndSparse() throws {
        let m = MapValue(keys: i64([2], [2, 0]), values: [.tensor(.scalar(Float(1.5))), .tensor(.scalar(Float(3)))])
        let dense = try runOp(domain: "ai.onnx.ml", "CastMap", opset: 1, attrs: [], [.map(m)], outputs: 1)
        assertClose(try #require(dense[0].tensor), f32([1, 2], [3, 1.5]))
        let sparse = try runOp(domain: "ai.onnx.ml", "CastMap", opset: 1,
                               attrs: [string("map_form", "SPARSE"), int("max_map", 3), string("cast_to", "TO_INT64")], [.map(m)], outputs: 1)
        assertClose(try #require(sparse[0].tensor), i64([1, 3], [3, 0, 1]))
    }
}
