#!/usr/bin/env python3
"""Writes the generated graphs bench/stepping.sh times (into the folder given, default
~/.cache/onnx-explorer/stepping):

  chain_1m.onnx     20 element-wise nodes (Add, Mul, Relu repeating) on float32[1048576]
  chain_64k.onnx    the same on float32[65536] (fits in cache)
  chain_1k.onnx     the same on float32[1024] (per-node cost dominates)
  loop_tiny.onnx    a Loop of 500 iterations whose body is 6 tiny nodes on float32[16]

Deterministic; nothing random. Uses onnx.helper (the project venv, scripts/venv.sh).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def chain(n: int, nodes: int = 20) -> onnx.ModelProto:
    ops = ["Add", "Mul", "Relu"]
    inits = [numpy_helper.from_array(np.array([0.5], dtype=np.float32), "c_add"),
             numpy_helper.from_array(np.array([0.999], dtype=np.float32), "c_mul")]
    graph_nodes = []
    prev = "x"
    for i in range(nodes):
        op = ops[i % 3]
        out = "y" if i == nodes - 1 else f"t{i}"
        ins = [prev] if op == "Relu" else [prev, "c_add" if op == "Add" else "c_mul"]
        graph_nodes.append(helper.make_node(op, ins, [out], name=f"{op.lower()}_{i}"))
        prev = out
    g = helper.make_graph(graph_nodes, f"chain_{n}",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [n])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [n])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="bench/make_stepping_models.py")


def loop_tiny(iterations: int = 500) -> onnx.ModelProto:
    body = helper.make_graph(
        [helper.make_node("Add", ["v_in", "one"], ["a"], name="add"),
         helper.make_node("Mul", ["a", "half"], ["m"], name="mul"),
         helper.make_node("Relu", ["m"], ["r"], name="relu"),
         helper.make_node("Sub", ["r", "one"], ["s"], name="sub"),
         helper.make_node("Abs", ["s"], ["v_out"], name="abs"),
         helper.make_node("Identity", ["cond_in"], ["cond_out"], name="cond")],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_in", TensorProto.FLOAT, [16])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_out", TensorProto.FLOAT, [16])])
    inits = [numpy_helper.from_array(np.array(iterations, dtype=np.int64), "trip"),
             numpy_helper.from_array(np.array(True), "cond"),
             numpy_helper.from_array(np.ones(16, dtype=np.float32), "one"),
             numpy_helper.from_array(np.full(16, 0.5, dtype=np.float32), "half")]
    g = helper.make_graph([helper.make_node("Loop", ["trip", "cond", "x"], ["y"], name="loop", body=body)], "loop_tiny",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16])], inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], producer_name="bench/make_stepping_models.py")


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.expanduser("~/.cache/onnx-explorer/stepping")
    os.makedirs(out, exist_ok=True)
    models = {"chain_1m": chain(1 << 20), "chain_64k": chain(1 << 16), "chain_1k": chain(1 << 10), "loop_tiny": loop_tiny()}
    for name, m in models.items():
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(out, name + ".onnx"))
    print(out)


if __name__ == "__main__":
    main()
