#!/usr/bin/env python3
"""Writes the quantized model suite: three small float models built with onnx.helper (an MLP, a
CNN, a transformer-style attention block), each quantized by onnxruntime.quantization in several
ways, every model (float and quantized) as a case in the ONNX backend-test layout (common.py).

Run through scripts/models/quantized.sh, which picks the models venv (scripts/models/venv.sh).

Quantizations per float model (names: <model>_<variant>):
  float                  the float model itself (expected from onnxruntime, all optimizations)
  dyn_s8 / dyn_u8        quantize_dynamic, int8 / uint8 weights, per-tensor
  dyn_s8_pc              quantize_dynamic, int8 weights, per-channel
                         -> DynamicQuantizeLinear, MatMulInteger, ConvInteger, Cast, Mul
  qdq_u8s8 / qdq_s8s8    quantize_static QDQ, activations uint8 / int8, int8 weights, per-tensor
  qdq_u8s8_pc            the same, per-channel weights (DequantizeLinear with axis)
  qdq_u16s8              quantize_static QDQ with 16-bit activations (QuantizeLinear uint16)
  qdq_u8s4_pc            quantize_static QDQ with int4 per-channel weights (DequantizeLinear int4)
  qop_u8s8 / qop_u8s8_pc quantize_static QOperator restricted to the op types that have a standard
                         quantized form (QLinearConv, QLinearMatMul; MaxPool, Reshape... run on
                         uint8 as they are) -> QuantizeLinear, QLinearConv, QLinearMatMul, DequantizeLinear
  qop_full               quantize_static QOperator with every op type onnxruntime quantizes: adds
                         com.microsoft ops (QLinearAdd, QGemm, QLinearSoftmax...): --contrib only
  w4_blocked             MatMulNBitsQuantizer in QDQ format: int4 weights, DequantizeLinear with
                         block_size (blocked quantization), MLP and attention only

Expected values of the quantized cases come from onnxruntime with graph optimizations OFF
(ORT_DISABLE_ALL), so each node runs as written (DequantizeLinear -> Conv -> QuantizeLinear stays
three float/integer steps, as the ONNX spec defines it) instead of onnxruntime's fused integer
kernels. The two differ where a value lands next to a rounding boundary of a quantization step;
the case's atol is the largest of 1e-4, the output's quantization step when a DequantizeLinear
produces the output, and twice the largest difference from the expected values of two other valid
executions: onnxruntime with its fused kernels, and onnx's reference evaluator (onnx.reference,
which follows the spec op by op). index.json records those differences
("ort_fused_vs_unfused_max_abs_diff", "onnx_reference_vs_unfused_max_abs_diff"), the step
("output_quant_step") and, for scale, the error against the float model.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Suite, log  # noqa: E402

LAYOUT_VERSION = 1
OPSET = 21
RTOL, ATOL = 1e-3, 1e-4


def stamp_text() -> str:
    import onnxruntime

    return f"quantized layout={LAYOUT_VERSION} onnx=={onnx.__version__} onnxruntime=={onnxruntime.__version__}"


# ---------------------------------------------------------------- float models

def _init(name, arr):
    return numpy_helper.from_array(np.asarray(arr, dtype=np.float32), name)


def _make(nodes, inputs, outputs, inits, name):
    g = helper.make_graph(nodes, name, inputs, outputs, initializer=inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)],
                          producer_name="onnx-explorer scripts/models/quantized_suite.py")
    m.ir_version = 10
    m = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    onnx.checker.check_model(m, full_check=True)
    return m


def he(rng, fan_in, shape):
    return rng.randn(*shape).astype(np.float32) * np.float32(np.sqrt(2.0 / fan_in))


def mlp_model(rng) -> tuple[onnx.ModelProto, dict]:
    sizes = [64, 128, 128, 10]
    nodes, inits = [], []
    x = "X"
    for i in range(3):
        w, b = f"W{i}", f"B{i}"
        inits += [_init(w, he(rng, sizes[i], (sizes[i], sizes[i + 1]))), _init(b, rng.randn(sizes[i + 1]) * 0.1)]
        nodes.append(helper.make_node("MatMul", [x, w], [f"mm{i}"], name=f"fc{i}_matmul"))
        out = "Y" if i == 2 else f"add{i}"
        nodes.append(helper.make_node("Add", [f"mm{i}", b], [out], name=f"fc{i}_add"))
        if i < 2:
            nodes.append(helper.make_node("Relu", [out], [f"relu{i}"], name=f"fc{i}_relu"))
            x = f"relu{i}"
    m = _make(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 64])],
              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 10])], inits, "mlp")
    return m, {"X": (8, 64)}


def cnn_model(rng) -> tuple[onnx.ModelProto, dict]:
    inits = [
        _init("c1_w", he(rng, 27, (8, 3, 3, 3))), _init("c1_b", rng.randn(8) * 0.1),
        _init("c2_w", he(rng, 72, (16, 8, 3, 3))), _init("c2_b", rng.randn(16) * 0.1),
        _init("fc_w", he(rng, 1024, (10, 1024))), _init("fc_b", rng.randn(10) * 0.1),
    ]
    nodes = [
        helper.make_node("Conv", ["X", "c1_w", "c1_b"], ["c1"], name="conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2_w", "c2_b"], ["c2"], name="conv2", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("MaxPool", ["r2"], ["p2"], name="pool2", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p2"], ["flat"], name="flatten", axis=1),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["Y"], name="fc", transB=1),
    ]
    m = _make(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3, 32, 32])],
              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 10])], inits, "cnn")
    return m, {"X": (2, 3, 32, 32)}


def attention_model(rng) -> tuple[onnx.ModelProto, dict]:
    """One pre-LayerNorm-free transformer encoder block: multi-head self-attention (4 heads of
    16) + residual + LayerNormalization + MLP (Relu) + residual + LayerNormalization."""
    d, h, ff = 64, 4, 128
    hd = d // h
    inits = [
        _init("wq", he(rng, d, (d, d))), _init("bq", rng.randn(d) * 0.05),
        _init("wk", he(rng, d, (d, d))), _init("bk", rng.randn(d) * 0.05),
        _init("wv", he(rng, d, (d, d))), _init("bv", rng.randn(d) * 0.05),
        _init("wo", he(rng, d, (d, d)) * 0.5), _init("bo", rng.randn(d) * 0.05),
        _init("w1", he(rng, d, (d, ff))), _init("b1", rng.randn(ff) * 0.05),
        _init("w2", he(rng, ff, (ff, d)) * 0.5), _init("b2", rng.randn(d) * 0.05),
        _init("ln1_g", 1 + rng.randn(d) * 0.05), _init("ln1_b", rng.randn(d) * 0.05),
        _init("ln2_g", 1 + rng.randn(d) * 0.05), _init("ln2_b", rng.randn(d) * 0.05),
        _init("scale", np.array(1.0 / np.sqrt(hd))),
        numpy_helper.from_array(np.array([0, 0, h, hd], dtype=np.int64), "heads_shape"),
        numpy_helper.from_array(np.array([0, 0, d], dtype=np.int64), "merge_shape"),
    ]
    nodes = []
    for p in "qkv":
        nodes += [
            helper.make_node("MatMul", ["X", f"w{p}"], [f"{p}_mm"], name=f"{p}_proj"),
            helper.make_node("Add", [f"{p}_mm", f"b{p}"], [f"{p}_lin"], name=f"{p}_bias"),
            helper.make_node("Reshape", [f"{p}_lin", "heads_shape"], [f"{p}_heads"], name=f"{p}_split_heads"),
        ]
    nodes += [
        helper.make_node("Transpose", ["q_heads"], ["q_t"], name="q_transpose", perm=[0, 2, 1, 3]),
        helper.make_node("Transpose", ["k_heads"], ["k_t"], name="k_transpose", perm=[0, 2, 3, 1]),
        helper.make_node("Transpose", ["v_heads"], ["v_t"], name="v_transpose", perm=[0, 2, 1, 3]),
        helper.make_node("MatMul", ["q_t", "k_t"], ["scores_raw"], name="qk_matmul"),
        helper.make_node("Mul", ["scores_raw", "scale"], ["scores"], name="qk_scale"),
        helper.make_node("Softmax", ["scores"], ["attn"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["attn", "v_t"], ["ctx_t"], name="attn_v_matmul"),
        helper.make_node("Transpose", ["ctx_t"], ["ctx"], name="ctx_transpose", perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["ctx", "merge_shape"], ["ctx_merged"], name="merge_heads"),
        helper.make_node("MatMul", ["ctx_merged", "wo"], ["o_mm"], name="o_proj"),
        helper.make_node("Add", ["o_mm", "bo"], ["o_lin"], name="o_bias"),
        helper.make_node("Add", ["o_lin", "X"], ["res1"], name="residual1"),
        helper.make_node("LayerNormalization", ["res1", "ln1_g", "ln1_b"], ["ln1"], name="ln1", axis=-1, epsilon=1e-5),
        helper.make_node("MatMul", ["ln1", "w1"], ["ff1_mm"], name="ff1"),
        helper.make_node("Add", ["ff1_mm", "b1"], ["ff1_lin"], name="ff1_bias"),
        helper.make_node("Relu", ["ff1_lin"], ["ff1_act"], name="ff1_relu"),
        helper.make_node("MatMul", ["ff1_act", "w2"], ["ff2_mm"], name="ff2"),
        helper.make_node("Add", ["ff2_mm", "b2"], ["ff2_lin"], name="ff2_bias"),
        helper.make_node("Add", ["ff2_lin", "ln1"], ["res2"], name="residual2"),
        helper.make_node("LayerNormalization", ["res2", "ln2_g", "ln2_b"], ["Y"], name="ln2", axis=-1, epsilon=1e-5),
    ]
    m = _make(nodes, [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["B", "S", d])],
              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["B", "S", d])], inits, "attention")
    return m, {"X": (1, 16, d)}


# ---------------------------------------------------------------- quantization

class Reader:
    """Calibration data: a few seeded batches of the input distribution."""

    def __init__(self, name, shape, seed, n=8):
        rng = np.random.RandomState(seed)
        self.items = [{name: rng.randn(*shape).astype(np.float32)} for _ in range(n)]
        self.i = 0

    def get_next(self):
        if self.i >= len(self.items):
            return None
        self.i += 1
        return self.items[self.i - 1]

    def rewind(self):
        self.i = 0


STANDARD_QOP_TYPES = ["Conv", "MatMul", "MaxPool", "Relu", "Flatten", "Reshape", "Transpose"]


def quantize(kind: str, model: onnx.ModelProto, input_name: str, shape, tmp: str) -> onnx.ModelProto:
    from onnxruntime.quantization import (CalibrationMethod, QuantFormat, QuantType, quantize_dynamic,
                                          quantize_static)

    src = os.path.join(tmp, "float.onnx")
    dst = os.path.join(tmp, f"{kind}.onnx")
    onnx.save(model, src)
    reader = Reader(input_name, shape, seed=1234)
    common_static = dict(calibrate_method=CalibrationMethod.MinMax)
    if kind.startswith("dyn_"):
        quantize_dynamic(src, dst, weight_type=QuantType.QUInt8 if kind == "dyn_u8" else QuantType.QInt8,
                         per_channel=kind.endswith("_pc"))
    elif kind.startswith("qdq_"):
        act, wt = {
            "qdq_u8s8": (QuantType.QUInt8, QuantType.QInt8),
            "qdq_u8s8_pc": (QuantType.QUInt8, QuantType.QInt8),
            "qdq_s8s8": (QuantType.QInt8, QuantType.QInt8),
            "qdq_u16s8": (QuantType.QUInt16, QuantType.QInt8),
            "qdq_u8s4_pc": (QuantType.QUInt8, QuantType.QInt4),
        }[kind]
        extra = {}
        if kind == "qdq_u8s4_pc":
            # int4 weights only where onnxruntime supports them (Conv / MatMul / Gemm weights)
            extra["TensorQuantOverrides"] = {}
        quantize_static(src, dst, reader, quant_format=QuantFormat.QDQ, per_channel=kind.endswith("_pc"),
                        activation_type=act, weight_type=wt, extra_options=extra or None, **common_static)
    elif kind.startswith("qop_"):
        quantize_static(src, dst, reader, quant_format=QuantFormat.QOperator, per_channel=kind.endswith("_pc"),
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=None if kind == "qop_full" else STANDARD_QOP_TYPES, **common_static)
    elif kind == "w4_blocked":
        from onnxruntime.quantization.matmul_nbits_quantizer import (DefaultWeightOnlyQuantConfig,
                                                                     MatMulNBitsQuantizer)
        cfg = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=False, quant_format=QuantFormat.QDQ,
                                           op_types_to_quantize=("MatMul",))
        q = MatMulNBitsQuantizer(onnx.load(src), algo_config=cfg)
        q.process()
        q.model.save_model_to_file(dst, use_external_data_format=False)
    else:
        raise ValueError(kind)
    return onnx.load(dst)


VARIANTS = ["dyn_s8", "dyn_u8", "dyn_s8_pc", "qdq_u8s8", "qdq_s8s8", "qdq_u8s8_pc", "qdq_u16s8", "qdq_u8s4_pc",
            "qop_u8s8", "qop_u8s8_pc", "qop_full", "w4_blocked"]


def output_step(model: onnx.ModelProto) -> float:
    """The quantization step of the graph output when a DequantizeLinear produces it (else 0)."""
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    producers = {o: n for n in model.graph.node for o in n.output}
    best = 0.0
    for y in model.graph.output:
        n = producers.get(y.name)
        # walk back through ops that keep the scale (Reshape, Flatten...)
        while n is not None and n.op_type in ("Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity"):
            n = producers.get(n.input[0])
        if n is not None and n.op_type == "DequantizeLinear" and n.input[1] in inits:
            best = max(best, float(np.max(np.abs(inits[n.input[1]]))))
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (replaced as a whole)")
    ap.add_argument("--contrib", action="store_true", help="also write cases with com.microsoft ops (qop_full)")
    ap.add_argument("--no-verify", action="store_true", help="skip the read-back check")
    ap.add_argument("--stamp", default="", help="first part of the .stamp line (set by the shell wrapper)")
    args = ap.parse_args()
    suite = Suite(args.out, "quantized", args.stamp or stamp_text(), contrib=args.contrib, versions=stamp_text())
    builders = [("mlp", mlp_model, 1), ("cnn", cnn_model, 2), ("attention", attention_model, 3)]
    quant_ops: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="oe-quant-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for base, build, seed in builders:
            log(f"{base}:")
            rng = np.random.RandomState(seed)
            fmodel, shapes = build(rng)
            (iname, shape), = shapes.items()
            x = np.random.RandomState(100 + seed).randn(*shape).astype(np.float32)
            suite.add(f"{base}_float", fmodel, {iname: x}, RTOL, ATOL)
            float_out = common.ort_run(fmodel, {iname: x})[0]
            for kind in VARIANTS:
                name = f"{base}_{kind}"
                if kind == "w4_blocked" and base == "cnn":
                    continue
                try:
                    qm = quantize(kind, fmodel, iname, shape, tmp)
                except Exception as e:
                    suite.skip(name, f"quantization failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
                    continue
                if len(qm.graph.node) == len(fmodel.graph.node) and common.qualified_ops(qm) == common.qualified_ops(fmodel):
                    suite.skip(name, "the quantizer left the model unchanged")
                    continue
                try:
                    unfused = common.ort_run(qm, {iname: x}, optimize=False)
                    fused = common.ort_run(qm, {iname: x}, optimize=True)
                except Exception as e:
                    suite.skip(name, f"onnxruntime cannot run it: {str(e).splitlines()[0][:200]}")
                    continue
                diff = max(common.max_diff(a, b) for a, b in zip(fused, unfused))
                try:
                    from onnx.reference import ReferenceEvaluator
                    ref = ReferenceEvaluator(qm).run(None, {iname: x})
                    ref_diff = max(common.max_diff(a, b) for a, b in zip(ref, unfused))
                except Exception as e:
                    log(f"  ({name}: onnx reference evaluator cannot run it: {str(e).splitlines()[0][:120]})")
                    ref_diff = None
                step = output_step(qm)
                atol = float(max(ATOL, step, 2 * diff, 2 * (ref_diff or 0.0)))
                err = float(np.max(np.abs(unfused[0] - float_out)))
                extra = {
                    "ort_fused_vs_unfused_max_abs_diff": diff,
                    "onnx_reference_vs_unfused_max_abs_diff": ref_diff,
                    "output_quant_step": step,
                    "max_abs_error_vs_float_model": err,
                    "float_output_max_abs": float(np.max(np.abs(float_out))),
                }
                out = suite.add(name, qm, {iname: x}, RTOL, atol, optimize=False, extra=extra)
                if out is not None:
                    for o in common.qualified_ops(qm):
                        if o not in common.qualified_ops(fmodel):
                            quant_ops.setdefault(o, []).append(name)
    if not args.no_verify:
        suite.verify()
        suite.reference_check()
    n = suite.finish()
    log("ops added by quantization: " + ", ".join(f"{o} ({len(v)})" for o, v in sorted(quant_ops.items())))
    log(f"{n} cases written, {len(suite.skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
