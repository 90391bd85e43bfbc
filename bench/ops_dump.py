#!/usr/bin/env python3
"""Checks `onnx-explorer run --dump-dir` against onnxruntime on the sample models.

For each sample: runs `onnx-explorer run MODEL --random-inputs --dump-dir DIR`, loads DIR/index.json
and every main-graph intermediate with numpy, runs the same inputs through onnxruntime with every
main-graph node output exposed as a graph output, and compares (rtol 1e-3, atol 1e-5; strings and
integers exactly). Prints one line per model; exit 1 on any mismatch.

Usage: bench/ops_dump.py BINARY [SAMPLES_DIR]   (in the project venv: scripts/venv.sh)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort


def check(binary: str, model_path: str, tmp: str) -> str:
    dump = os.path.join(tmp, os.path.basename(model_path) + ".dump")
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    r = subprocess.run([binary, "run", model_path, "--random-inputs", "--dim", "batch=2", "--dim", "N=2",
                        "--dim", "seq=5", "--dump-dir", dump], capture_output=True, text=True, env=env)
    if r.returncode != 0:
        return f"FAIL run exited {r.returncode}: {r.stderr.strip()}"
    index = json.load(open(os.path.join(dump, "index.json")))["tensors"]
    m = onnx.load(model_path)
    known = {o.name for o in m.graph.output}
    for n in m.graph.node:
        for o in n.output:
            if o and o not in known and o in index:
                m.graph.output.append(onnx.ValueInfoProto(name=o))
                known.add(o)
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    s = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
    feeds = {i.name: np.load(os.path.join(dump, index[i.name]["file"])) for i in s.get_inputs()}
    outs = s.run(None, feeds)
    compared, worst = 0, 0.0
    for o, want in zip(s.get_outputs(), outs):
        if o.name not in index or not isinstance(want, np.ndarray):
            continue
        got = np.load(os.path.join(dump, index[o.name]["file"]))
        if got.shape != want.shape:
            return f"FAIL {o.name}: shape {got.shape} vs onnxruntime {want.shape}"
        if want.dtype.kind == "f":
            if not np.allclose(got, want, rtol=1e-3, atol=1e-5, equal_nan=True):
                return f"FAIL {o.name}: max abs error {np.max(np.abs(got.astype(np.float64) - want)):.3g}"
            if want.size:
                worst = max(worst, float(np.nanmax(np.abs(got.astype(np.float64) - want))))
        elif not np.array_equal(got.astype(want.dtype) if want.dtype.kind != "U" and want.dtype != object else got.astype(str),
                                want if want.dtype.kind != "O" else want.astype(str)):
            return f"FAIL {o.name}: values differ"
        compared += 1
    return f"ok   {compared} tensors match onnxruntime (max abs error {worst:.2g})"


def main() -> int:
    binary = sys.argv[1]
    samples = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "samples")
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for f in sorted(os.listdir(samples)):
            if not f.endswith(".onnx"):
                continue
            line = check(binary, os.path.join(samples, f), tmp)
            bad += line.startswith("FAIL")
            print(f"{f:28} {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
