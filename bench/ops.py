#!/usr/bin/env python3
"""Interpreter speed against peers measured in the same run (issue 3's speed targets).

Builds the benchmark models in a temporary folder, then times full runs of each with
  - onnx-explorer bench (one thread; plain, and with --observe: every intermediate kept and observed)
  - onnxruntime (one intra-op thread, default graph optimisations)
  - onnx.reference.ReferenceEvaluator
and prints median milliseconds and ratios. Targets: MatMul/Gemm-bound graphs within 1.5x of
onnxruntime, element-wise chains within 2x, stepping (observe) within 10% of a plain run.

Usage: bench/ops.sh [BINARY] [--runs N] [--ops [OP,...]]   (runs this script in the project venv)
  --ops  instead of the graphs above, one single-node graph per element-wise op (1M floats; the
         activation and transcendental ops, Softmax/LogSoftmax over rows of 1024, broadcast Add/Mul),
         each op alone, or only the ops named.

Notes: medians are only meaningful on a quiet machine (compare the ort column between runs).
The float32 transcendental loops (Sources/CFastMath) are compiled for SSE2, AVX2+FMA and AVX-512
and pick the widest the CPU has at run time, as onnxruntime does; the Swift code itself stays at
the x86-64 baseline so the binary runs on any x86-64 CPU.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def mlp(path: str, batch=64, width=1024, layers=4) -> dict:
    rng = np.random.default_rng(0)
    nodes, inits = [], []
    x = "x"
    for i in range(layers):
        w = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32)
        b = (rng.standard_normal(width) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes += [helper.make_node("MatMul", [x, f"w{i}"], [f"mm{i}"], name=f"fc{i}/MatMul"),
                  helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"add{i}"], name=f"fc{i}/Add")]
        x = f"add{i}"
        if i + 1 < layers:
            nodes.append(helper.make_node("Relu", [x], [f"relu{i}"], name=f"fc{i}/Relu"))
            x = f"relu{i}"
    g = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, width])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch, width])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return {"x": rng.standard_normal((batch, width), dtype=np.float32)}


def gemm(path: str, batch=64, width=1024, layers=4) -> dict:
    rng = np.random.default_rng(1)
    nodes, inits = [], []
    x = "x"
    for i in range(layers):
        w = (rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32)
        b = (rng.standard_normal(width) * 0.1).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(b, f"b{i}")]
        nodes.append(helper.make_node("Gemm", [x, f"w{i}", f"b{i}"], [f"g{i}"], name=f"fc{i}/Gemm", transB=1))
        x = f"g{i}"
    g = helper.make_graph(nodes, "gemm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, width])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [batch, width])], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return {"x": rng.standard_normal((batch, width), dtype=np.float32)}


def eltwise(path: str, shape=(1, 64, 128, 128), steps=16) -> dict:
    rng = np.random.default_rng(2)
    ops = ["Add", "Mul", "Relu", "Sub", "Abs", "Neg", "Max", "Div"]
    nodes, inits = [], []
    x = "x"
    for i in range(steps):
        op = ops[i % len(ops)]
        out = f"e{i}"
        if op in ("Add", "Mul", "Sub", "Max", "Div"):
            c = (rng.random((shape[1], 1, 1)) + 0.5).astype(np.float32)
            inits.append(numpy_helper.from_array(c, f"c{i}"))
            nodes.append(helper.make_node(op, [x, f"c{i}"], [out], name=f"{op}_{i}"))
        else:
            nodes.append(helper.make_node(op, [x], [out], name=f"{op}_{i}"))
        x = out
    g = helper.make_graph(nodes, "eltwise", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, list(shape))], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return {"x": rng.standard_normal(shape, dtype=np.float32)}


def eltwise_math(path: str, shape=(1, 64, 128, 128)) -> dict:
    rng = np.random.default_rng(3)
    chain = ["Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Erf"]
    nodes = []
    x = "x"
    nodes.append(helper.make_node("Abs", [x], ["a"], name="Abs"))
    x = "a"
    for i, op in enumerate(chain):
        nodes.append(helper.make_node(op, [x], [f"m{i}"], name=f"{op}_{i}"))
        x = f"m{i}"
    g = helper.make_graph(nodes, "eltwise_math", [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, list(shape))])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8), path)
    return {"x": rng.standard_normal(shape, dtype=np.float32)}


# (label, op, attributes, opset, input range, second input or None) for --ops.
SINGLE_OPS = [
    ("Exp", "Exp", {}, 17, (-10, 10), None), ("Log", "Log", {}, 17, (0.01, 100), None),
    ("Tanh", "Tanh", {}, 17, (-5, 5), None), ("Sigmoid", "Sigmoid", {}, 17, (-10, 10), None),
    ("Erf", "Erf", {}, 17, (-3, 3), None), ("Gelu", "Gelu", {}, 20, (-5, 5), None),
    ("Gelu tanh", "Gelu", {"approximate": "tanh"}, 20, (-5, 5), None),
    ("Softplus", "Softplus", {}, 17, (-10, 10), None), ("Mish", "Mish", {}, 18, (-10, 10), None),
    ("Elu", "Elu", {}, 17, (-5, 5), None), ("Selu", "Selu", {}, 17, (-5, 5), None),
    ("Celu", "Celu", {}, 17, (-5, 5), None), ("HardSwish", "HardSwish", {}, 17, (-5, 5), None),
    ("Sin", "Sin", {}, 17, (-10, 10), None), ("Cos", "Cos", {}, 17, (-10, 10), None),
    ("Sqrt", "Sqrt", {}, 17, (0, 100), None), ("Reciprocal", "Reciprocal", {}, 17, (0.5, 2), None),
    ("Pow x^2.5 (scalar)", "Pow", {}, 17, (0.1, 4), "scalar"), ("Pow x^y", "Pow", {}, 17, (0.1, 4), "full"),
    ("Softmax (rows of 1024)", "Softmax", {"axis": -1}, 17, (-5, 5), None),
    ("LogSoftmax (rows of 1024)", "LogSoftmax", {"axis": -1}, 17, (-5, 5), None),
    ("Add [1024,1024]+[1024]", "Add", {}, 17, (-5, 5), "row"), ("Mul [1024,1024]*[1024,1]", "Mul", {}, 17, (-5, 5), "col"),
]


def single_op(path: str, op: str, attrs: dict, opset: int, lo_hi, second) -> dict:
    rng = np.random.default_rng(4)
    shape = [1024, 1024]
    inits, inputs = [], ["x"]
    if second is not None:
        other = {"scalar": np.array(2.5, np.float32), "row": rng.standard_normal(1024, dtype=np.float32),
                 "col": rng.standard_normal((1024, 1), dtype=np.float32),
                 "full": rng.uniform(-2, 2, shape).astype(np.float32)}[second]
        inits.append(numpy_helper.from_array(other, "y"))
        inputs.append("y")
    node = helper.make_node(op, inputs, ["out"], name=op, **attrs)
    g = helper.make_graph([node], "single", [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("out", TensorProto.FLOAT, shape)], inits)
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], ir_version=8), path)
    return {"x": rng.uniform(*lo_hi, shape).astype(np.float32)}


def per_op(args) -> int:
    wanted = None if args.ops == "all" else {o.strip().lower() for o in args.ops.split(",")}
    rows = [r for r in SINGLE_OPS if wanted is None or r[0].lower() in wanted or r[1].lower() in wanted]
    if not rows:
        print(f"bench/ops.py: no op matches --ops {args.ops}", file=sys.stderr)
        return 2
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'op (1M floats)':30} {'explorer':>9} {'ort':>8} {'reference':>10} {'x ort':>6}")
        for i, (label, op, attrs, opset, lo_hi, second) in enumerate(rows):
            path = os.path.join(tmp, f"op{i}.onnx")
            feeds = single_op(path, op, attrs, opset, lo_hi, second)
            npy = os.path.join(tmp, f"op{i}_x.npy")
            np.save(npy, feeds["x"])
            ex = time_explorer(args.binary, path, npy, args.runs, False)
            ort_ms = time_ort(path, feeds, args.runs)
            ref_ms = time_reference(path, feeds, args.runs)
            ratio = ex / ort_ms
            flag = "" if ratio <= 2.0 else "  <- above 2x"
            ok &= not flag
            print(f"{label:30} {ex:9.2f} {ort_ms:8.2f} {ref_ms:10.2f} {ratio:6.2f}{flag}", flush=True)
    print("target: each element-wise op within 2x of onnxruntime (one thread)")
    return 0 if ok else 1


def time_ort(path: str, feeds: dict, runs: int) -> float:
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    s.run(None, feeds)
    t = []
    for _ in range(runs):
        t0 = time.perf_counter()
        s.run(None, feeds)
        t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t)


def time_reference(path: str, feeds: dict, runs: int) -> float:
    from onnx.reference import ReferenceEvaluator
    r = ReferenceEvaluator(path)
    r.run(None, feeds)
    t = []
    for _ in range(max(1, runs // 4)):
        t0 = time.perf_counter()
        r.run(None, feeds)
        t.append((time.perf_counter() - t0) * 1000)
    return statistics.median(t)


def time_explorer(binary: str, path: str, npy: str, runs: int, observe: bool) -> float:
    cmd = [binary, "bench", path, "--runs", str(runs), "--threads", "1", "--input", f"x={npy}", "--json"]
    if observe:
        cmd.append("--observe")
    # The explorer chooses OpenBLAS's core type itself (SkylakeX on AVX-512 machines) unless the
    # environment forces one; an inherited OPENBLAS_CORETYPE would pin slower kernels.
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out)["median_ms"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--ops", nargs="?", const="all", default=None, help="per-op table (optionally: OP,OP,...)")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.ops is not None:
        return per_op(args)
    models = [("mlp 4x1024, batch 64 (MatMul)", mlp, 1.5), ("mlp 4x1024, batch 64 (Gemm)", gemm, 1.5),
              ("element-wise chain, 16 ops on 1M floats", eltwise, 2.0), ("transcendental chain, 7 ops on 1M floats", eltwise_math, 2.0)]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'model':44} {'explorer':>9} {'observed':>9} {'ort':>8} {'reference':>10} {'x ort':>6} {'step +%':>8}")
        for label, make, target in models:
            path = os.path.join(tmp, make.__name__ + ".onnx")
            feeds = make(path)
            npy = os.path.join(tmp, make.__name__ + "_x.npy")
            np.save(npy, feeds["x"])
            ex = time_explorer(args.binary, path, npy, args.runs, False)
            obs = time_explorer(args.binary, path, npy, args.runs, True)
            ort_ms = time_ort(path, feeds, args.runs)
            ref_ms = time_reference(path, feeds, args.runs)
            ratio = ex / ort_ms
            step = (obs / ex - 1) * 100
            flag = "" if ratio <= target and step <= 10 else "  <- above target"
            ok &= not flag
            print(f"{label:44} {ex:9.2f} {obs:9.2f} {ort_ms:8.2f} {ref_ms:10.2f} {ratio:6.2f} {step:8.1f}{flag}")
    print("targets: MatMul/Gemm within 1.5x of onnxruntime, element-wise within 2x, observed within +10%")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
