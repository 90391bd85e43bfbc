#!/usr/bin/env python3
"""Writes the big models used by bench/info.sh (run through bench/make-big-models.sh).

  embedded_100mb.onnx                  25 x (MatMul 1024x1024 + Add 1024), weights embedded
                                       in the file as raw_data: 100 MiB of float32
  external_600mb.onnx + .data          150 x (MatMul 1024x1024 + Add 1024), all weights in
                                       external_600mb.onnx.data (~600 MiB), offsets 4 KiB aligned
  nodes_100k.onnx                      a chain of 100,000 nodes (Add, Relu, Mul repeating) on a
                                       float32[1,16] tensor with three small initializers

Deterministic (fixed seed, fixed layout) and fast: weights come from one seeded random block,
varied per layer by a cheap permutation-free transform, and are written straight to disk with
numpy; protobuf messages are filled field by field instead of through onnx.helper's checks.
A stamp file records what was written so re-runs with the same arguments do nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import onnx
from onnx import TensorProto, helper

GENERATOR_VERSION = 1
DIM = 1024
OPSET = 17
IR = 8


def weight_block(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((DIM, DIM), dtype=np.float32) * np.float32(1 / 32)).astype(np.float32)


def layer_weight(base: np.ndarray, i: int) -> np.ndarray:
    # Different bytes per layer without drawing new random numbers: a roll and a scale.
    return np.roll(base, i * 7 + 1, axis=1) * np.float32(1 + i / 1024)


def layer_bias(i: int) -> np.ndarray:
    return (np.arange(DIM, dtype=np.float32) * np.float32(1e-4) - np.float32(0.05)) * np.float32(1 + i)


def new_model(name: str) -> onnx.ModelProto:
    """The graph is filled in place (model.graph) so big payloads are never copied."""
    model = onnx.ModelProto()
    model.ir_version = IR
    model.producer_name = "onnx-explorer bench/make_big_models.py"
    model.producer_version = str(GENERATOR_VERSION)
    op = model.opset_import.add()
    op.domain, op.version = "", OPSET
    model.graph.name = name
    return model


def mlp_model(layers: int, name: str) -> onnx.ModelProto:
    model = new_model(name)
    graph = model.graph
    graph.input.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", DIM]))
    prev = "x"
    for i in range(layers):
        mm = graph.node.add()
        mm.op_type, mm.name = "MatMul", f"/layers.{i}/MatMul"
        mm.input.extend([prev, f"layers.{i}.weight"])
        mm.output.append(f"/layers.{i}/MatMul_output_0")
        add = graph.node.add()
        add.op_type, add.name = "Add", f"/layers.{i}/Add"
        add.input.extend([f"/layers.{i}/MatMul_output_0", f"layers.{i}.bias"])
        prev = f"/layers.{i}/Add_output_0" if i + 1 < layers else "y"
        add.output.append(prev)
    graph.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", DIM]))
    return model


def tensor_header(graph, name: str, dims) -> TensorProto:
    t = graph.initializer.add()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    return t


def make_embedded(path: str, layers: int = 25) -> None:
    model = mlp_model(layers, "embedded_100mb")
    graph = model.graph
    base = weight_block(100)
    for i in range(layers):
        tensor_header(graph, f"layers.{i}.weight", [DIM, DIM]).raw_data = layer_weight(base, i).tobytes()
        tensor_header(graph, f"layers.{i}.bias", [DIM]).raw_data = layer_bias(i).tobytes()
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def make_external(path: str, layers: int = 150, align: int = 4096) -> None:
    data_name = os.path.basename(path) + ".data"
    model = mlp_model(layers, "external_600mb")
    graph = model.graph
    base = weight_block(600)
    offset = 0
    with open(os.path.join(os.path.dirname(path), data_name), "wb") as data:

        def put(name, dims, array):
            nonlocal offset
            pad = (-offset) % align
            if pad:
                data.write(b"\0" * pad)
                offset += pad
            t = tensor_header(graph, name, dims)
            t.data_location = TensorProto.EXTERNAL
            raw = array.tobytes()
            for k, v in (("location", data_name), ("offset", str(offset)), ("length", str(len(raw)))):
                e = t.external_data.add()
                e.key, e.value = k, v
            data.write(raw)
            offset += len(raw)

        for i in range(layers):
            put(f"layers.{i}.weight", [DIM, DIM], layer_weight(base, i))
            put(f"layers.{i}.bias", [DIM], layer_bias(i))
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def make_nodes(path: str, count: int = 100_000, width: int = 16) -> None:
    model = new_model("nodes_100k")
    graph = model.graph
    graph.input.append(helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width]))
    for name, value in (("shift", 0.001), ("gain", 0.999)):
        t = tensor_header(graph, name, [width])
        t.raw_data = np.full(width, value, np.float32).tobytes()
    prev = "x"
    ops = ("Add", "Relu", "Mul")
    nodes = graph.node
    for i in range(count):
        op = ops[i % 3]
        n = nodes.add()
        n.op_type = op
        n.name = f"/blocks.{i // 3}/{op}"
        out = f"t{i}" if i + 1 < count else "y"
        if op == "Add":
            n.input.extend([prev, "shift"])
        elif op == "Mul":
            n.input.extend([prev, "gain"])
        else:
            n.input.append(prev)
        n.output.append(out)
        prev = out
    graph.output.append(helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, width]))
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


MODELS = {
    "embedded_100mb.onnx": make_embedded,
    "external_600mb.onnx": make_external,
    "nodes_100k.onnx": make_nodes,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", default="/tmp/onnx-explorer-bench")
    ap.add_argument("--force", action="store_true", help="rewrite even if the stamp says done")
    ap.add_argument("--check", action="store_true", help="also run onnx.checker on each model")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, make in MODELS.items():
        path = os.path.join(args.out, name)
        stamp = path + ".stamp"
        want = f"generator={GENERATOR_VERSION} onnx={onnx.__version__}\n"
        if not args.force and os.path.exists(path) and os.path.exists(stamp):
            with open(stamp) as f:
                if f.read() == want:
                    print(f"{name}: up to date", file=sys.stderr)
                    continue
        if os.path.exists(stamp):
            os.remove(stamp)
        t0 = time.perf_counter()
        make(path)
        if args.check:
            onnx.checker.check_model(path)
        with open(stamp, "w") as f:
            f.write(want)
        size = os.path.getsize(path)
        if name.startswith("external"):
            size += os.path.getsize(path + ".data")
        print(f"{name}: {size / 2**20:.1f} MiB in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
