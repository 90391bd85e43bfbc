#!/usr/bin/env python3
"""Builds the sample models in samples/ and Sources/Explorer/EmbeddedSample.swift.

Run it through scripts/make-samples.sh (which picks the project venv: onnx==1.23.2,
onnxruntime==1.31.1, numpy). Every model is hand-built with onnx.helper from fixed seeds, so
re-running the script writes byte-identical files; `--check` regenerates everything into a
temporary folder and fails if anything differs from what is in the tree.

Each model is checked with onnx.checker (full check, strict shape inference) and run with
onnxruntime; the outputs are checked for shape and, where it matters, for values.
See samples/README.md for what each sample shows.
"""

from __future__ import annotations

import argparse
import base64
import filecmp
import hashlib
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SWIFT_PATH = os.path.join(ROOT, "Sources", "Explorer", "EmbeddedSample.swift")

PRODUCER = "onnx-explorer samples/make_samples.py"
PRODUCER_VERSION = "1.0"
F = TensorProto.FLOAT
I64 = TensorProto.INT64


# ----------------------------------------------------------------------------- helpers


def init(name: str, array: np.ndarray) -> TensorProto:
    return numpy_helper.from_array(np.asarray(array), name)


def rand(rng: np.random.Generator, shape, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def node(op, inputs, outputs, name, domain=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name, domain=domain, **attrs)


def set_meta(proto, props: dict[str, str]) -> None:
    for k, v in props.items():
        entry = proto.metadata_props.add()
        entry.key = k
        entry.value = v


def finish(model: onnx.ModelProto, *, infer: bool = True, doc: str = "") -> onnx.ModelProto:
    """Common model fields, shape inference (adds value_info), full check."""
    model.producer_name = PRODUCER
    model.producer_version = PRODUCER_VERSION
    if doc and not model.doc_string:
        model.doc_string = doc
    if infer:
        model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model


def ort_run(model_or_path, feeds: dict, extra_outputs: list[str] | None = None):
    """Runs with onnxruntime on one thread; extra_outputs exposes intermediates."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if extra_outputs:
        model = onnx.load(model_or_path) if isinstance(model_or_path, str) else model_or_path
        model = onnx.ModelProto.FromString(model.SerializeToString())
        for name in extra_outputs:
            model.graph.output.append(helper.make_empty_tensor_value_info(name))
        # Extra outputs change what the optimiser may fuse; keep it literal.
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        sess = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    elif isinstance(model_or_path, str):
        sess = ort.InferenceSession(model_or_path, opts, providers=["CPUExecutionProvider"])
    else:
        sess = ort.InferenceSession(
            model_or_path.SerializeToString(), opts, providers=["CPUExecutionProvider"]
        )
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, feeds)))


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise AssertionError(what)


# ----------------------------------------------------------------------------- mnist_cnn


def make_mnist_cnn() -> onnx.ModelProto:
    rng = np.random.default_rng(1001)
    inits = [
        init("conv1.weight", rand(rng, (8, 1, 5, 5), np.sqrt(2 / 25))),
        init("conv1.bias", rand(rng, (8,), 0.01)),
        init("conv2.weight", rand(rng, (16, 8, 5, 5), np.sqrt(2 / 200))),
        init("conv2.bias", rand(rng, (16,), 0.01)),
        init("flatten.shape", np.array([-1, 16 * 7 * 7], dtype=np.int64)),
        init("fc.weight", rand(rng, (10, 784), np.sqrt(1 / 784))),
        init("fc.bias", rand(rng, (10,), 0.01)),
    ]
    nodes = [
        node("Conv", ["input", "conv1.weight", "conv1.bias"], ["conv1_out"], "conv1",
             kernel_shape=[5, 5], pads=[2, 2, 2, 2], strides=[1, 1]),
        node("Relu", ["conv1_out"], ["relu1_out"], "relu1"),
        node("MaxPool", ["relu1_out"], ["pool1_out"], "pool1", kernel_shape=[2, 2], strides=[2, 2]),
        node("Conv", ["pool1_out", "conv2.weight", "conv2.bias"], ["conv2_out"], "conv2",
             kernel_shape=[5, 5], pads=[2, 2, 2, 2], strides=[1, 1]),
        node("Relu", ["conv2_out"], ["relu2_out"], "relu2"),
        node("MaxPool", ["relu2_out"], ["pool2_out"], "pool2", kernel_shape=[2, 2], strides=[2, 2]),
        node("Reshape", ["pool2_out", "flatten.shape"], ["flat"], "flatten"),
        node("Gemm", ["flat", "fc.weight", "fc.bias"], ["logits"], "fc", transB=1),
        node("Softmax", ["logits"], ["probabilities"], "softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "mnist_cnn",
        [helper.make_tensor_value_info("input", F, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("probabilities", F, ["N", 10])],
        inits,
        doc_string="LeNet-style CNN for 28x28 grey images, random weights.",
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return finish(model, doc="MNIST-sized CNN with random weights (onnx-explorer sample).")


def check_mnist_cnn(path: str) -> None:
    x = np.random.default_rng(1).random((2, 1, 28, 28), dtype=np.float32)
    out = ort_run(path, {"input": x})["probabilities"]
    expect(out.shape == (2, 10), f"mnist_cnn output shape {out.shape}")
    expect(np.allclose(out.sum(axis=1), 1, atol=1e-5), "mnist_cnn softmax rows sum to 1")


# ----------------------------------------------------------------------------- transformer


def make_transformer_block() -> onnx.ModelProto:
    """One BERT-style encoder layer, named like torch.onnx.export output."""
    rng = np.random.default_rng(2002)
    vocab, max_pos, d, heads, ffn = 1000, 128, 64, 4, 256
    hd = d // heads
    inits = []
    nodes = []
    uid = [100]

    def weight(name, shape, scale):
        inits.append(init(name, rand(rng, shape, scale)))
        return name

    def mm_weight(shape, scale):
        # torch.onnx.export names transposed Linear weights onnx::MatMul_<n>
        uid[0] += 1
        return weight(f"onnx::MatMul_{uid[0]}", shape, scale)

    def const(scope, name, array):
        out = f"{scope}/{name}_output_0"
        nodes.append(node("Constant", [], [out], f"{scope}/{name}",
                          value=numpy_helper.from_array(np.asarray(array), "")))
        return out

    def op(scope, opname, op_type, inputs, **attrs):
        out = f"{scope}/{opname}_output_0"
        nodes.append(node(op_type, inputs, [out], f"{scope}/{opname}", **attrs))
        return out

    def layer_norm(scope, prefix, x):
        w = init(f"{prefix}.weight", (1 + rand(rng, (d,), 0.02)).astype(np.float32))
        b = init(f"{prefix}.bias", rand(rng, (d,), 0.02))
        inits.extend([w, b])
        return op(scope, "LayerNormalization", "LayerNormalization", [x, w.name, b.name],
                  axis=-1, epsilon=1e-12)

    def linear(scope, prefix, x, din, dout):
        w = mm_weight((din, dout), np.sqrt(1 / din))
        b = weight(f"{prefix}.bias", (dout,), 0.02)
        h = op(scope, "MatMul", "MatMul", [x, w])
        return op(scope, "Add", "Add", [b, h])

    # --- embeddings: word + position (positions from the dynamic sequence length)
    e = "/embeddings"
    weight("embeddings.word_embeddings.weight", (vocab, d), 0.02)
    weight("embeddings.position_embeddings.weight", (max_pos, d), 0.02)
    words = op(f"{e}/word_embeddings", "Gather", "Gather",
               ["embeddings.word_embeddings.weight", "input_ids"])
    shape = op(e, "Shape", "Shape", ["input_ids"])
    seq_len = op(e, "Gather", "Gather", [shape, const(e, "Constant", np.array(1, np.int64))], axis=0)
    positions = op(e, "Range", "Range",
                   [const(e, "Constant_1", np.array(0, np.int64)), seq_len,
                    const(e, "Constant_2", np.array(1, np.int64))])
    pos_emb = op(f"{e}/position_embeddings", "Gather", "Gather",
                 ["embeddings.position_embeddings.weight", positions])
    summed = op(e, "Add", "Add", [words, pos_emb])
    hidden = layer_norm(f"{e}/LayerNorm", "embeddings.LayerNorm", summed)

    # --- self-attention
    L = "/encoder/layer.0"
    P = "encoder.layer.0"
    s = f"{L}/attention/self"
    q = linear(f"{s}/query", f"{P}.attention.self.query", hidden, d, d)
    k = linear(f"{s}/key", f"{P}.attention.self.key", hidden, d, d)
    v = linear(f"{s}/value", f"{P}.attention.self.value", hidden, d, d)
    heads_shape = const(s, "Constant", np.array([0, 0, heads, hd], np.int64))
    q = op(s, "Transpose", "Transpose", [op(s, "Reshape", "Reshape", [q, heads_shape])], perm=[0, 2, 1, 3])
    k = op(s, "Transpose_1", "Transpose", [op(s, "Reshape_1", "Reshape", [k, heads_shape])], perm=[0, 2, 3, 1])
    v = op(s, "Transpose_2", "Transpose", [op(s, "Reshape_2", "Reshape", [v, heads_shape])], perm=[0, 2, 1, 3])
    scores = op(s, "MatMul", "MatMul", [q, k])
    scores = op(s, "Div", "Div", [scores, const(s, "Constant_1", np.array(np.sqrt(hd), np.float32))])
    probs = op(s, "Softmax", "Softmax", [scores], axis=-1)
    ctx = op(s, "MatMul_1", "MatMul", [probs, v])
    ctx = op(s, "Transpose_3", "Transpose", [ctx], perm=[0, 2, 1, 3])
    ctx = op(s, "Reshape_3", "Reshape", [ctx, const(s, "Constant_2", np.array([0, 0, d], np.int64))])
    o = f"{L}/attention/output"
    attn = linear(f"{o}/dense", f"{P}.attention.output.dense", ctx, d, d)
    attn = op(o, "Add", "Add", [attn, hidden])
    attn = layer_norm(f"{o}/LayerNorm", f"{P}.attention.output.LayerNorm", attn)

    # --- MLP with erf-based GELU, as torch exports nn.GELU() at opset 17
    i = f"{L}/intermediate"
    h = linear(f"{i}/dense", f"{P}.intermediate.dense", attn, d, ffn)
    g = f"{i}/intermediate_act_fn"
    t = op(g, "Div", "Div", [h, const(g, "Constant", np.array(np.sqrt(2.0), np.float32))])
    t = op(g, "Erf", "Erf", [t])
    t = op(g, "Add", "Add", [t, const(g, "Constant_1", np.array(1.0, np.float32))])
    t = op(g, "Mul", "Mul", [h, t])
    h = op(g, "Mul_1", "Mul", [t, const(g, "Constant_2", np.array(0.5, np.float32))])
    out = f"{L}/output"
    h = linear(f"{out}/dense", f"{P}.output.dense", h, ffn, d)
    h = op(out, "Add", "Add", [h, attn])
    h = layer_norm(f"{out}/LayerNorm", f"{P}.output.LayerNorm", h)
    nodes.append(node("Identity", [h], ["last_hidden_state"], "/Identity"))

    graph = helper.make_graph(
        nodes,
        "main_graph",
        [helper.make_tensor_value_info("input_ids", I64, ["batch", "seq"])],
        [helper.make_tensor_value_info("last_hidden_state", F, ["batch", "seq", d])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return finish(model, doc="One BERT-style transformer encoder layer (d=64, 4 heads, ffn=256), "
                             "random weights, named like a torch.onnx.export.")


def check_transformer_block(path: str) -> None:
    ids = np.random.default_rng(2).integers(0, 1000, (2, 7), dtype=np.int64)
    out = ort_run(path, {"input_ids": ids})["last_hidden_state"]
    expect(out.shape == (2, 7, 64), f"transformer output shape {out.shape}")
    expect(np.isfinite(out).all(), "transformer output finite")
    # LayerNorm output: per-token mean ~ bias mean, so just check the spread is sane
    expect(abs(float(out.std()) - 1) < 0.2, f"transformer output std {out.std()}")


# ----------------------------------------------------------------------------- control flow


def make_control_flow() -> onnx.ModelProto:
    """If, Loop and Scan whose bodies read main-graph values by name (outer scope)."""
    inits = [
        init("scale", np.array([0.5, 1.0, 1.5, 2.0], np.float32)),
        init("zero", np.array(0.0, np.float32)),
        init("trip_count", np.array(3, np.int64)),
        init("keep_going", np.array(True)),
        init("scan_init", np.zeros(4, np.float32)),
        init("step_size", np.array(0.1, np.float32)),
        init("all_axes", np.array([0, 1], np.int64)),
        init("rows_axis", np.array([0], np.int64)),
    ]
    # If: branch on sign of sum(x); both branches use outer-scope `x` and `scale`.
    then_g = helper.make_graph(
        [node("Mul", ["x", "scale"], ["then_out"], "then/Mul")],
        "then_branch", [], [helper.make_tensor_value_info("then_out", F, ["N", 4])],
    )
    else_g = helper.make_graph(
        [node("Sub", ["x", "scale"], ["else_out"], "else/Sub")],
        "else_branch", [], [helper.make_tensor_value_info("else_out", F, ["N", 4])],
    )
    # Loop: acc_{i+1} = acc_i + step * i (step computed in the main graph: outer scope),
    # scan output: column sums of acc_{i+1} per iteration (stacked to [3, 4]).
    loop_body = helper.make_graph(
        [
            node("Cast", ["i"], ["i_f"], "loop/Cast", to=F),
            node("Mul", ["step", "i_f"], ["inc"], "loop/Mul"),
            node("Add", ["acc_in", "inc"], ["acc_out"], "loop/Add"),
            node("Identity", ["cond_in"], ["cond_out"], "loop/Identity"),
            node("ReduceSum", ["acc_out", "rows_axis"], ["acc_sum"], "loop/ReduceSum", keepdims=0),
        ],
        "loop_body",
        [
            helper.make_tensor_value_info("i", I64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_in", F, ["N", 4]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("acc_out", F, ["N", 4]),
            helper.make_tensor_value_info("acc_sum", F, [4]),
        ],
    )
    # Scan over the rows of the loop result: running sum of row * scale (outer scope `scale`).
    scan_body = helper.make_graph(
        [
            node("Mul", ["row", "scale"], ["scaled_row"], "scan/Mul"),
            node("Add", ["state_in", "scaled_row"], ["state_out"], "scan/Add"),
            node("Identity", ["state_out"], ["running"], "scan/Identity"),
        ],
        "scan_body",
        [
            helper.make_tensor_value_info("state_in", F, [4]),
            helper.make_tensor_value_info("row", F, [4]),
        ],
        [
            helper.make_tensor_value_info("state_out", F, [4]),
            helper.make_tensor_value_info("running", F, [4]),
        ],
    )
    nodes = [
        node("ReduceSum", ["x", "all_axes"], ["x_sum"], "sum_x", keepdims=0),
        node("Greater", ["x_sum", "zero"], ["is_positive"], "is_positive"),
        node("If", ["is_positive"], ["if_out"], "branch", then_branch=then_g, else_branch=else_g),
        node("Relu", ["x"], ["x_relu"], "relu_x"),
        node("Mul", ["x_relu", "step_size"], ["step"], "step"),
        node("Loop", ["trip_count", "keep_going", "if_out"], ["loop_out", "loop_sums"], "accumulate",
             body=loop_body),
        node("Scan", ["scan_init", "loop_out"], ["scan_final", "scan_running"], "running_sum",
             body=scan_body, num_scan_inputs=1),
    ]
    graph = helper.make_graph(
        nodes,
        "control_flow",
        [helper.make_tensor_value_info("x", F, ["N", 4])],
        [
            helper.make_tensor_value_info("loop_out", F, ["N", 4]),
            helper.make_tensor_value_info("loop_sums", F, [3, 4]),
            helper.make_tensor_value_info("scan_final", F, [4]),
            helper.make_tensor_value_info("scan_running", F, ["N", 4]),
        ],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return finish(model, doc="If, Loop and Scan with subgraphs that read outer-scope values.")


def reference_control_flow(x: np.ndarray):
    scale = np.array([0.5, 1.0, 1.5, 2.0], np.float32)
    acc = x * scale if x.sum() > 0 else x - scale
    step = np.maximum(x, 0) * np.float32(0.1)
    sums = []
    for i in range(3):
        acc = acc + step * np.float32(i)
        sums.append(acc.sum(axis=0))
    running = np.cumsum(acc * scale, axis=0)
    return acc, np.array(sums, np.float32), running[-1], running


def check_control_flow(path: str) -> None:
    for x in (np.arange(12, dtype=np.float32).reshape(3, 4) / 4,
              -np.arange(8, dtype=np.float32).reshape(2, 4)):
        got = ort_run(path, {"x": x})
        want = reference_control_flow(x)
        for name, w in zip(["loop_out", "loop_sums", "scan_final", "scan_running"], want):
            expect(np.allclose(got[name], w, rtol=1e-5, atol=1e-5), f"control_flow {name}")


# ----------------------------------------------------------------------------- local function


def make_local_function() -> onnx.ModelProto:
    """custom.fn:ScaledLeakyRelu(X; slope, scale=2.0) = LeakyRelu(X * scale, alpha=slope)."""
    fn_nodes = [
        helper.make_node("Constant", [], ["scale_t"], name="scale_const"),
        helper.make_node("Mul", ["X", "scale_t"], ["scaled"], name="mul_scale"),
        helper.make_node("LeakyRelu", ["scaled"], ["Y"], name="leaky"),
    ]
    # attributes that take their value from the call site's attributes
    a = helper.make_attribute_ref("value_float", F)
    a.ref_attr_name = "scale"
    fn_nodes[0].attribute.append(a)
    b = helper.make_attribute_ref("alpha", F)
    b.ref_attr_name = "slope"
    fn_nodes[2].attribute.append(b)
    fn = helper.make_function(
        "custom.fn",
        "ScaledLeakyRelu",
        ["X"],
        ["Y"],
        fn_nodes,
        [helper.make_opsetid("", 21)],
        attributes=["slope"],
        attribute_protos=[helper.make_attribute("scale", 2.0)],
        doc_string="LeakyRelu(X * scale, alpha=slope); scale defaults to 2.0, slope is required.",
    )
    nodes = [
        node("ScaledLeakyRelu", ["x"], ["h"], "act1", domain="custom.fn", slope=0.1),
        node("MatMul", ["h", "w"], ["h2"], "proj"),
        node("ScaledLeakyRelu", ["h2"], ["y"], "act2", domain="custom.fn", slope=0.2, scale=0.5),
    ]
    w = (np.eye(4, dtype=np.float32)[::-1] * 2).copy()  # reverses columns and doubles
    graph = helper.make_graph(
        nodes,
        "local_function",
        [helper.make_tensor_value_info("x", F, ["N", 4])],
        [helper.make_tensor_value_info("y", F, ["N", 4])],
        [init("w", w)],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("custom.fn", 1)],
        functions=[fn],
        ir_version=10,
    )
    return finish(model, doc="A model-local function (custom.fn:ScaledLeakyRelu) called twice.")


def check_local_function(path: str) -> None:
    x = np.array([[-2, -1, 1, 2], [3, -3, 0.5, -0.5]], np.float32)

    def f(v, slope, scale):
        s = v * scale
        return np.where(s >= 0, s, s * slope)

    want = f(f(x, 0.1, 2.0) @ (np.eye(4, dtype=np.float32)[::-1] * 2), 0.2, 0.5)
    got = ort_run(path, {"x": x})["y"]
    expect(np.allclose(got, want, atol=1e-6), f"local_function: {got} vs {want}")


# ----------------------------------------------------------------------------- provenance

PROVENANCE_META = {
    "author": "Ada Example <ada@example.org>",
    "license": "Apache-2.0",
    "source": "https://github.com/example/onnx-explorer-samples",
    "repository": "https://github.com/example/onnx-explorer-samples.git",
    "commit": "3f2c9a1e8b7d6c5f4a3b2c1d0e9f8a7b6c5d4e3f",
    "dataset": "iris (UCI Machine Learning Repository), 150 rows",
    "created": "2026-11-21T00:00:00Z",
    "framework": "hand-built with onnx.helper 1.23.2",
    "base_model": "none (trained from scratch)",
    "task": "tabular-classification",
    "sha256_training_data": "0b2f9c5d9e4a3b1c7d8e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
    "intended_use": "demonstration of provenance metadata; not a real model",
}


def make_provenance() -> onnx.ModelProto:
    rng = np.random.default_rng(5005)
    nodes = [
        node("MatMul", ["features", "dense.weight"], ["dense_out"], "/classifier/dense/MatMul"),
        node("Add", ["dense_out", "dense.bias"], ["logits"], "/classifier/dense/Add"),
        node("Softmax", ["logits"], ["probabilities"], "/classifier/Softmax", axis=-1),
    ]
    nodes[0].doc_string = "Linear layer: features x weight."
    set_meta(nodes[0], {"source_location": "model.py:42", "module": "classifier.dense"})
    set_meta(nodes[2], {"source_location": "model.py:47", "note": "temperature 1.0"})
    graph = helper.make_graph(
        nodes,
        "iris_classifier",
        [helper.make_tensor_value_info("features", F, ["batch", 4])],
        [helper.make_tensor_value_info("probabilities", F, ["batch", 3])],
        [init("dense.weight", rand(rng, (4, 3), 0.5)), init("dense.bias", rand(rng, (3,), 0.1))],
        doc_string="Graph of the iris classifier: one dense layer and a softmax.",
    )
    graph.input[0].doc_string = "sepal length, sepal width, petal length, petal width (cm)"
    graph.output[0].doc_string = "class probabilities: setosa, versicolor, virginica"
    set_meta(graph, {"graph_role": "inference", "exported_by": "make_samples.py"})
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], ir_version=10)
    model.domain = "org.example.samples"
    model.model_version = 7
    model.doc_string = (
        "Iris classifier with rich provenance metadata (onnx-explorer sample).\n"
        "Model-, graph- and node-level metadata_props are all set."
    )
    set_meta(model, PROVENANCE_META)
    return finish(model)


def check_provenance(path: str) -> None:
    x = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]], np.float32)
    out = ort_run(path, {"features": x})["probabilities"]
    expect(out.shape == (2, 3) and np.allclose(out.sum(1), 1, atol=1e-6), "provenance output")
    m = onnx.load(path)
    expect({p.key: p.value for p in m.metadata_props} == PROVENANCE_META, "provenance metadata")


# ----------------------------------------------------------------------------- external data


def make_external_data() -> onnx.ModelProto:
    rng = np.random.default_rng(6006)
    nodes = [
        node("MatMul", ["x", "fc1.weight"], ["h1"], "/fc1/MatMul"),
        node("Add", ["h1", "fc1.bias"], ["h1b"], "/fc1/Add"),
        node("Relu", ["h1b"], ["a1"], "/act/Relu"),
        node("MatMul", ["a1", "fc2.weight"], ["h2"], "/fc2/MatMul"),
        node("Add", ["h2", "fc2.bias"], ["y"], "/fc2/Add"),
    ]
    inits = [
        init("fc1.weight", rand(rng, (16, 64), 0.25)),
        init("fc1.bias", rand(rng, (64,), 0.1)),
        init("fc2.weight", rand(rng, (64, 8), 0.125)),
        init("fc2.bias", rand(rng, (8,), 0.1)),
    ]
    graph = helper.make_graph(
        nodes,
        "external_data",
        [helper.make_tensor_value_info("x", F, ["batch", 16])],
        [helper.make_tensor_value_info("y", F, ["batch", 8])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return finish(model, doc="Two-layer MLP whose weights live in external_data.bin.")


def save_external(model: onnx.ModelProto, path: str) -> None:
    bin_path = os.path.join(os.path.dirname(path), "external_data.bin")
    if os.path.exists(bin_path):
        os.remove(bin_path)  # onnx appends to an existing data file
    onnx.save_model(
        model,
        path,
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="external_data.bin",
        size_threshold=0,
    )


def check_external_data(path: str) -> None:
    m = onnx.load(path, load_external_data=False)
    for t in m.graph.initializer:
        expect(t.data_location == TensorProto.EXTERNAL and not t.raw_data, f"{t.name} is external")
        keys = {e.key: e.value for e in t.external_data}
        expect(keys.get("location") == "external_data.bin" and "offset" in keys and "length" in keys,
               f"{t.name} external_data keys {keys}")
    onnx.checker.check_model(path, full_check=True)
    x = np.linspace(-1, 1, 32, dtype=np.float32).reshape(2, 16)
    full = onnx.load(path)
    w = {t.name: numpy_helper.to_array(t) for t in full.graph.initializer}
    want = np.maximum(x @ w["fc1.weight"] + w["fc1.bias"], 0) @ w["fc2.weight"] + w["fc2.bias"]
    got = ort_run(path, {"x": x})["y"]
    expect(np.allclose(got, want, atol=1e-5), "external_data values")


# ----------------------------------------------------------------------------- ml pipeline


def make_ml_pipeline() -> onnx.ModelProto:
    labels = ["setosa", "versicolor", "virginica"]
    # Roughly a logistic regression fitted on standardised iris features.
    coefs = np.array([
        [-1.0, 1.1, -1.8, -1.7],
        [0.5, -0.3, -0.3, -0.7],
        [0.5, -0.8, 2.1, 2.4],
    ], np.float32)
    nodes = [
        node("Scaler", ["X"], ["scaled"], "scaler", domain="ai.onnx.ml",
             offset=[5.843, 3.057, 3.758, 1.199], scale=[1.211, 2.299, 0.567, 1.316]),
        node("LinearClassifier", ["scaled"], ["label", "probabilities"], "classifier",
             domain="ai.onnx.ml", coefficients=coefs.flatten().tolist(),
             intercepts=[-0.2, 1.8, -1.6], classlabels_strings=labels,
             multi_class=1, post_transform="SOFTMAX"),
        node("ZipMap", ["probabilities"], ["output_probability"], "zipmap", domain="ai.onnx.ml",
             classlabels_strings=labels),
    ]
    graph = helper.make_graph(
        nodes,
        "iris_pipeline",
        [helper.make_tensor_value_info("X", F, ["N", 4])],
        [
            helper.make_tensor_value_info("label", TensorProto.STRING, ["N"]),
            helper.make_value_info(
                "output_probability",
                helper.make_sequence_type_proto(
                    helper.make_map_type_proto(TensorProto.STRING, helper.make_tensor_type_proto(F, []))
                ),
            ),
        ],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
        ir_version=8,
    )
    return finish(model, doc="ai.onnx.ml pipeline: Scaler -> LinearClassifier -> ZipMap (iris).")


def check_ml_pipeline(path: str) -> None:
    x = np.array([[5.1, 3.5, 1.4, 0.2], [6.0, 2.9, 4.5, 1.5], [6.9, 3.1, 5.4, 2.1]], np.float32)
    got = ort_run(path, {"X": x})
    expect(list(got["label"]) == ["setosa", "versicolor", "virginica"], f"ml labels {got['label']}")
    probs = got["output_probability"]
    expect(len(probs) == 3 and set(probs[0]) == {"setosa", "versicolor", "virginica"}, "zipmap")
    expect(all(abs(sum(p.values()) - 1) < 1e-5 for p in probs), "zipmap probabilities sum to 1")


# ----------------------------------------------------------------------------- nan debug

NAN_NODE = "/features/Sqrt"
NAN_INDEX = 5  # flat index into the [1, 8] output of NAN_NODE for the all-ones input


def make_nan_debug() -> onnx.ModelProto:
    rng = np.random.default_rng(8008)
    gain = np.array([[1.0, 0.5, 2.0, 1.5, 0.8, 1.0, 1.2, 0.9]], np.float32)
    offset = np.array([[0.1, 0.2, 0.0, 0.3, 0.5, 3.0, 0.4, 0.1]], np.float32)  # 1 - 3 < 0 at [0, 5]
    nodes = [
        node("Mul", ["x", "preprocess.gain"], ["/preprocess/Mul_output_0"], "/preprocess/Mul"),
        node("Sub", ["/preprocess/Mul_output_0", "preprocess.offset"], ["/preprocess/Sub_output_0"],
             "/preprocess/Sub"),
        node("Sqrt", ["/preprocess/Sub_output_0"], ["/features/Sqrt_output_0"], NAN_NODE),
        node("MatMul", ["/features/Sqrt_output_0", "head.weight"], ["/head/MatMul_output_0"],
             "/head/MatMul"),
        node("Add", ["/head/MatMul_output_0", "head.bias"], ["/head/Add_output_0"], "/head/Add"),
        node("Tanh", ["/head/Add_output_0"], ["/head/Tanh_output_0"], "/head/Tanh"),
        node("Softmax", ["/head/Tanh_output_0"], ["scores"], "/head/Softmax", axis=-1),
    ]
    graph = helper.make_graph(
        nodes,
        "nan_debug",
        [helper.make_tensor_value_info("x", F, [1, 8])],
        [helper.make_tensor_value_info("scores", F, [1, 4])],
        [
            init("preprocess.gain", gain),
            init("preprocess.offset", offset),
            init("head.weight", rand(rng, (8, 4), 0.5)),
            init("head.bias", rand(rng, (4,), 0.1)),
        ],
        doc_string=f"With x = ones([1, 8]), node {NAN_NODE} takes sqrt(1*1.0 - 3.0) at index "
                   f"{NAN_INDEX} and produces the first NaN, which MatMul spreads to every score.",
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    return finish(model, doc="Produces NaN at /features/Sqrt (element [0, 5]) for an all-ones input.")


def nan_debug_input() -> np.ndarray:
    return np.ones((1, 8), np.float32)


def check_nan_debug(path: str) -> None:
    m = onnx.load(path)
    inter = [o for n in m.graph.node for o in n.output if o != "scores"]
    got = ort_run(path, {"x": nan_debug_input()}, extra_outputs=inter)
    first = None
    for n in m.graph.node:
        out = got[n.output[0]]
        if np.isnan(out).any():
            first = (n.name, np.flatnonzero(np.isnan(out)).tolist())
            break
    expect(first == (NAN_NODE, [NAN_INDEX]), f"nan_debug: first NaN at {first}")
    expect(np.isnan(got["scores"]).all(), "nan_debug: NaN reaches every score")
    ok = ort_run(path, {"x": np.full((1, 8), 4.0, np.float32)})["scores"]
    expect(np.isfinite(ok).all(), "nan_debug: input 4.0 stays finite")


# ----------------------------------------------------------------------------- tour (embedded)

TOUR_META = {
    "author": "onnx-explorer",
    "license": "CC0-1.0",
    "source": "samples/make_samples.py (make_tour)",
    "repository": "onnx-explorer",
    "dataset": "none: random weights from numpy seed 9009",
    "created": "2026-11-21",
    "framework": "onnx.helper 1.23.2",
    "description": "The built-in tour: press ? for keys. Scopes, an If, a Loop, a local function.",
}


def make_tour() -> onnx.ModelProto:
    """Small model that exercises most of the explorer's views; compiled into the binary."""
    rng = np.random.default_rng(9009)
    d_in, d_h, d_out = 16, 32, 8

    # model-local function tour.local:Swish(X; beta=1.0) = X * Sigmoid(beta * X)
    fn_nodes = [
        helper.make_node("Constant", [], ["beta_t"], name="beta"),
        helper.make_node("Mul", ["X", "beta_t"], ["bx"], name="scale"),
        helper.make_node("Sigmoid", ["bx"], ["gate"], name="gate"),
        helper.make_node("Mul", ["X", "gate"], ["Y"], name="apply"),
    ]
    ref = helper.make_attribute_ref("value_float", F)
    ref.ref_attr_name = "beta"
    fn_nodes[0].attribute.append(ref)
    swish = helper.make_function(
        "tour.local", "Swish", ["X"], ["Y"], fn_nodes, [helper.make_opsetid("", 21)],
        attribute_protos=[helper.make_attribute("beta", 1.0)],
        doc_string="Swish activation X * sigmoid(beta * X), beta defaults to 1.0.",
    )

    # If: softmax of the logits when their mean is positive, else a sigmoid (outer scope: logits)
    then_g = helper.make_graph(
        [node("Softmax", ["/head/Div_output_0"], ["probs_softmax"], "/head/If/then/Softmax", axis=-1)],
        "softmax_branch", [], [helper.make_tensor_value_info("probs_softmax", F, ["batch", d_out])],
    )
    else_g = helper.make_graph(
        [node("Sigmoid", ["/head/Div_output_0"], ["probs_sigmoid"], "/head/If/else/Sigmoid")],
        "sigmoid_branch", [], [helper.make_tensor_value_info("probs_sigmoid", F, ["batch", d_out])],
    )
    # Loop: three smoothing steps, state = state * decay + probabilities (outer scope).
    # (cond is given explicitly: onnx.reference 1.23 runs no iteration for an empty cond input.)
    loop_body = helper.make_graph(
        [
            node("Mul", ["state_in", "smooth.decay"], ["decayed"], "/smooth/Loop/body/Mul"),
            node("Add", ["decayed", "probabilities"], ["state_out"], "/smooth/Loop/body/Add"),
            node("Identity", ["cond_in"], ["cond_out"], "/smooth/Loop/body/Identity"),
        ],
        "smooth_body",
        [
            helper.make_tensor_value_info("iter", I64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_in", F, ["batch", d_out]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_out", F, ["batch", d_out]),
        ],
    )
    nodes = [
        node("MatMul", ["features", "encoder.fc1.weight"], ["/encoder/fc1/MatMul_output_0"],
             "/encoder/fc1/MatMul"),
        node("Add", ["/encoder/fc1/MatMul_output_0", "encoder.fc1.bias"],
             ["/encoder/fc1/Add_output_0"], "/encoder/fc1/Add"),
        node("Swish", ["/encoder/fc1/Add_output_0"], ["/encoder/act/Swish_output_0"],
             "/encoder/act/Swish", domain="tour.local", beta=1.5),
        node("MatMul", ["/encoder/act/Swish_output_0", "encoder.fc2.weight"],
             ["/encoder/fc2/MatMul_output_0"], "/encoder/fc2/MatMul"),
        node("Add", ["/encoder/fc2/MatMul_output_0", "encoder.fc2.bias"], ["embedding"],
             "/encoder/fc2/Add"),
        node("Constant", [], ["/head/Constant_output_0"], "/head/Constant",
             value=numpy_helper.from_array(np.array(2.0, np.float32), "temperature")),
        node("Div", ["embedding", "/head/Constant_output_0"], ["/head/Div_output_0"], "/head/Div"),
        node("ReduceMean", ["/head/Div_output_0"], ["/head/ReduceMean_output_0"], "/head/ReduceMean",
             keepdims=0),
        node("Greater", ["/head/ReduceMean_output_0", "head.zero"], ["/head/Greater_output_0"],
             "/head/Greater"),
        node("If", ["/head/Greater_output_0"], ["probabilities"], "/head/If",
             then_branch=then_g, else_branch=else_g),
        node("Loop", ["smooth.steps", "smooth.keep_going", "probabilities"], ["smoothed"], "/smooth/Loop",
             body=loop_body),
    ]
    nodes[2].doc_string = "Calls the model-local function tour.local:Swish with beta=1.5."
    set_meta(nodes[2], {"source_location": "tour.py:12", "module": "encoder.act"})
    set_meta(nodes[9], {"note": "branch taken depends on the sign of the mean logit"})
    inits = [
        init("encoder.fc1.weight", rand(rng, (d_in, d_h), np.sqrt(2 / d_in))),
        init("encoder.fc1.bias", rand(rng, (d_h,), 0.1)),
        init("encoder.fc2.weight", rand(rng, (d_h, d_out), np.sqrt(1 / d_h))),
        init("encoder.fc2.bias", rand(rng, (d_out,), 0.1)),
        init("head.zero", np.array(0.0, np.float32)),
        init("smooth.decay", np.array(0.5, np.float32)),
        init("smooth.steps", np.array(3, np.int64)),
        init("smooth.keep_going", np.array(True)),
    ]
    graph = helper.make_graph(
        nodes,
        "tour",
        [helper.make_tensor_value_info("features", F, ["batch", d_in])],
        [
            helper.make_tensor_value_info("probabilities", F, ["batch", d_out]),
            helper.make_tensor_value_info("smoothed", F, ["batch", d_out]),
            helper.make_tensor_value_info("embedding", F, ["batch", d_out]),
        ],
        inits,
        doc_string="A two-layer encoder, a head that branches, and a smoothing loop.",
    )
    graph.input[0].doc_string = "any 16 numbers per row; try --random-inputs"
    set_meta(graph, {"stage": "demo"})
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("tour.local", 1)],
        functions=[swish],
        ir_version=10,
    )
    model.domain = "dev.onnx-explorer"
    model.model_version = 1
    model.doc_string = "onnx-explorer's built-in tour model: small, random weights, every feature."
    set_meta(model, TOUR_META)
    return finish(model)


def reference_tour(path: str, x: np.ndarray):
    m = onnx.load(path)
    w = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    h = x @ w["encoder.fc1.weight"] + w["encoder.fc1.bias"]
    h = h / (1 + np.exp(-1.5 * h))
    emb = h @ w["encoder.fc2.weight"] + w["encoder.fc2.bias"]
    logits = emb / 2
    if logits.mean() > 0:
        e = np.exp(logits - logits.max(-1, keepdims=True))
        probs = e / e.sum(-1, keepdims=True)
    else:
        probs = 1 / (1 + np.exp(-logits))
    s = probs
    for _ in range(3):
        s = s * 0.5 + probs
    return probs, s, emb


def check_tour(path: str) -> None:
    size = os.path.getsize(path)
    expect(size < 60 * 1024, f"tour.onnx is {size} bytes, must stay under 60 KB")
    rng = np.random.default_rng(3)
    branches = set()
    for shift in (2.0, -2.0):
        x = (rng.standard_normal((3, 16)) + shift).astype(np.float32)
        got = ort_run(path, {"features": x})
        want = reference_tour(path, x)
        for name, w in zip(["probabilities", "smoothed", "embedding"], want):
            expect(np.allclose(got[name], w, rtol=1e-4, atol=1e-5), f"tour {name}")
        branches.add(bool((want[2] / 2).mean() > 0))
    expect(branches == {True, False}, "tour: both If branches exercised")


# ----------------------------------------------------------------------------- driver

SAMPLES = [
    ("mnist_cnn.onnx", make_mnist_cnn, check_mnist_cnn),
    ("transformer_block.onnx", make_transformer_block, check_transformer_block),
    ("control_flow.onnx", make_control_flow, check_control_flow),
    ("local_function.onnx", make_local_function, check_local_function),
    ("provenance.onnx", make_provenance, check_provenance),
    ("external_data.onnx", make_external_data, check_external_data),
    ("ml_pipeline.onnx", make_ml_pipeline, check_ml_pipeline),
    ("nan_debug.onnx", make_nan_debug, check_nan_debug),
    ("tour.onnx", make_tour, check_tour),
]
# onnx.reference (onnx 1.23.2) cannot run these two: it does not apply a function attribute's
# default to a ref_attr_name reference, and it has no ZipMap. onnxruntime runs both.
REFERENCE_SKIP = {"local_function.onnx", "ml_pipeline.onnx"}


def cross_check_reference(path: str) -> None:
    """onnxruntime and onnx.reference agree on every output (same feeds, same shapes)."""
    from onnx.reference import ReferenceEvaluator

    m = onnx.load(path)
    rng = np.random.default_rng(77)
    feeds = {}
    for x in m.graph.input:
        tt = x.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 2 for d in tt.shape.dim]
        if tt.elem_type == I64:
            feeds[x.name] = rng.integers(0, 100, shape, dtype=np.int64)
        else:
            feeds[x.name] = rng.standard_normal(shape).astype(np.float32)
    want = ReferenceEvaluator(m).run(None, feeds)
    got = list(ort_run(path, feeds).values())
    for o, a, b in zip(m.graph.output, got, want):
        expect(a.shape == b.shape, f"{path} {o.name}: onnxruntime {a.shape} vs reference {b.shape}")
        expect(np.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True),
               f"{path} {o.name}: onnxruntime and onnx.reference differ")


# Every file this script writes into samples/ (compared by --check).
OUTPUT_FILES = [name for name, _, _ in SAMPLES] + ["external_data.bin", "nan_debug_input.npy"]


def swift_source(tour_bytes: bytes) -> str:
    b64 = base64.b64encode(tour_bytes).decode("ascii")
    digest = hashlib.sha256(tour_bytes).hexdigest()
    return (
        "// Generated by samples/make_samples.py. Do not edit.\n"
        f"// samples/tour.onnx: {len(tour_bytes)} bytes, sha256 {digest}\n"
        "\n"
        "/// The sample model compiled into the binary (samples/tour.onnx), opened when no model is given.\n"
        "public enum EmbeddedSample {\n"
        '    public static let fileName = "tour.onnx"\n'
        f'    public static let base64 = "{b64}"\n'
        "}\n"
    )


def write_all(out_dir: str, swift_path: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    for name, make, check in SAMPLES:
        path = os.path.join(out_dir, name)
        model = make()
        if name == "external_data.onnx":
            save_external(model, path)
        else:
            onnx.save_model(model, path)
        check(path)
        if name not in REFERENCE_SKIP:
            cross_check_reference(path)
    np.save(os.path.join(out_dir, "nan_debug_input.npy"), nan_debug_input())
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in OUTPUT_FILES)
    expect(total < 5 * 1024 * 1024, f"samples total {total} bytes, must stay under 5 MB")
    with open(os.path.join(out_dir, "tour.onnx"), "rb") as f:
        tour = f.read()
    os.makedirs(os.path.dirname(swift_path), exist_ok=True)
    with open(swift_path, "w", newline="\n") as f:
        f.write(swift_source(tour))
    for name in OUTPUT_FILES:
        print(f"  {os.path.getsize(os.path.join(out_dir, name)):>9,}  {name}", file=sys.stderr)
    print(f"  {total:>9,}  total", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true",
                    help="regenerate into a temporary folder and compare with samples/ and "
                         "EmbeddedSample.swift byte for byte (exit 1 on a difference)")
    args = ap.parse_args()
    if not args.check:
        write_all(HERE, SWIFT_PATH)
        print(f"wrote {len(OUTPUT_FILES)} files to samples/ and {os.path.relpath(SWIFT_PATH, ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        swift_tmp = os.path.join(tmp, "EmbeddedSample.swift")
        write_all(os.path.join(tmp, "samples"), swift_tmp)
        pairs = [(os.path.join(tmp, "samples", f), os.path.join(HERE, f)) for f in OUTPUT_FILES]
        pairs.append((swift_tmp, SWIFT_PATH))
        bad = [os.path.relpath(b, ROOT) for a, b in pairs
               if not os.path.exists(b) or not filecmp.cmp(a, b, shallow=False)]
    if bad:
        print("differs from a fresh build: " + ", ".join(bad), file=sys.stderr)
        return 1
    print(f"all {len(pairs)} generated files are byte-identical to a fresh build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
