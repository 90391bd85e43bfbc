"""Shared helpers of the model-suite scripts (sklearn.py, quantized.py).

Each suite is a folder of cases in the ONNX backend-test layout that `onnx-explorer test DIR` runs:

  DIR/<case>/model.onnx
  DIR/<case>/test_data_set_0/input_K.pb    one per graph input that is not an initializer, in order
  DIR/<case>/test_data_set_0/output_K.pb   one per graph output, in order
  DIR/<case>/data.json                     {"rtol": .., "atol": ..} when not rtol 1e-3 / atol 1e-7
  DIR/index.json                           case -> op types, opset imports, inputs, outputs
  DIR/.stamp                               what was written (the shell wrappers compare it)

Values are serialised like onnx's own backend-test writer (onnx/backend/test/cmd_tools.py,
generate_data), driven by the graph input/output type: a tensor as TensorProto, a sequence as
SequenceProto, a map as MapProto whose `values` is a SequenceProto of scalar (0-d) tensors, each
named after the graph input/output. The one difference from numpy_helper.from_dict: map keys and
values are cast to the declared key/value types (onnxruntime hands ZipMap values back as Python
floats, which from_dict would write as float64 although the graph says float32).

Expected outputs are computed by onnxruntime on one thread. After writing, every case is read
back with onnx (model and .pb files), checked, run again through onnxruntime from the files and
compared with the stored outputs.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
import warnings
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DEFAULT_RTOL, DEFAULT_ATOL = 1e-3, 1e-7
STANDARD_DOMAINS = ("", "ai.onnx", "ai.onnx.ml")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- onnxruntime

def ort_session(model: onnx.ModelProto | bytes, optimize: bool = True):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.log_severity_level = 3
    opts.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimize else ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    )
    data = model if isinstance(model, bytes) else model.SerializeToString()
    return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])


def ort_run(model, feeds: dict[str, Any], optimize: bool = True) -> list[Any]:
    return ort_session(model, optimize).run(None, feeds)


# ---------------------------------------------------------------- serialisation

def np_dtype(elem_type: int):
    return helper.tensor_dtype_to_np_dtype(elem_type)


def tensor_proto(value, elem_type: int, name: str | None) -> TensorProto:
    if elem_type == TensorProto.STRING:
        arr = np.asarray(value, dtype=object)
        arr = np.vectorize(lambda s: s if isinstance(s, (str, bytes)) else str(s), otypes=[object])(arr) if arr.size else arr
    else:
        arr = np.asarray(value)
        if elem_type:
            want = np_dtype(elem_type)
            if arr.dtype != want:
                arr = arr.astype(want)
    t = numpy_helper.from_array(arr, name) if name else numpy_helper.from_array(arr)
    return t


def value_proto(value, tp: onnx.TypeProto, name: str | None):
    """TensorProto / SequenceProto / MapProto / OptionalProto for `value` of ONNX type `tp`."""
    kind = tp.WhichOneof("value")
    if kind == "tensor_type":
        return tensor_proto(value, tp.tensor_type.elem_type, name)
    if kind == "sequence_type":
        seq = onnx.SequenceProto()
        if name:
            seq.name = name
        et = tp.sequence_type.elem_type
        ek = et.WhichOneof("value")
        if ek == "tensor_type":
            seq.elem_type = onnx.SequenceProto.TENSOR
            seq.tensor_values.extend(value_proto(v, et, None) for v in value)
        elif ek == "map_type":
            seq.elem_type = onnx.SequenceProto.MAP
            seq.map_values.extend(value_proto(v, et, None) for v in value)
        elif ek == "sequence_type":
            seq.elem_type = onnx.SequenceProto.SEQUENCE
            seq.sequence_values.extend(value_proto(v, et, None) for v in value)
        else:
            raise TypeError(f"{name}: unsupported sequence element type {et}")
        return seq
    if kind == "map_type":
        mt = tp.map_type
        m = onnx.MapProto()
        if name:
            m.name = name
        if not value:
            raise ValueError(f"{name}: empty map")
        m.key_type = mt.key_type
        keys = list(value.keys())
        if mt.key_type == TensorProto.STRING:
            m.string_keys.extend(k.encode() if isinstance(k, str) else bytes(k) for k in keys)
        else:
            m.keys.extend(int(k) for k in keys)
        vt = mt.value_type
        vals = onnx.SequenceProto()
        vk = vt.WhichOneof("value")
        if vk == "tensor_type":
            vals.elem_type = onnx.SequenceProto.TENSOR
            vals.tensor_values.extend(tensor_proto(value[k], vt.tensor_type.elem_type, None) for k in keys)
        else:
            raise TypeError(f"{name}: unsupported map value type {vt}")
        m.values.CopyFrom(vals)
        return m
    raise TypeError(f"{name}: unsupported value type {tp}")


def load_value(path: str, tp: onnx.TypeProto):
    """Reads one .pb back with onnx, in the form onnxruntime takes as a feed."""
    with open(path, "rb") as f:
        data = f.read()
    kind = tp.WhichOneof("value")
    if kind == "sequence_type":
        p = onnx.SequenceProto()
        p.ParseFromString(data)
        return [_unwrap(v) for v in numpy_helper.to_list(p)]
    if kind == "map_type":
        p = onnx.MapProto()
        p.ParseFromString(data)
        return _unwrap(numpy_helper.to_dict(p))
    t = TensorProto()
    t.ParseFromString(data)
    return numpy_helper.to_array(t)


def _unwrap(v):
    if isinstance(v, dict):
        return {(k.decode() if isinstance(k, bytes) else k): (_scalar(x)) for k, x in v.items()}
    return v


def _scalar(x):
    a = np.asarray(x)
    return a.item() if a.ndim == 0 else a


# ---------------------------------------------------------------- comparison

def max_diff(actual, expected) -> float:
    """Largest absolute difference between two outputs (0 for equal non-float values)."""
    if isinstance(expected, list):
        return max([max_diff(a, e) for a, e in zip(actual, expected)] or [0.0])
    if isinstance(expected, dict):
        return max([max_diff(actual[k], expected[k]) for k in expected] or [0.0])
    a, e = np.asarray(actual), np.asarray(expected)
    if e.dtype.kind in "fc" and e.size:
        d = np.abs(a.astype(np.float64) - e.astype(np.float64))
        d = np.where(np.isnan(a) & np.isnan(e), 0, d)
        return float(np.nanmax(d)) if d.size else 0.0
    if e.dtype.kind in "iub" and e.size:
        return float(np.max(np.abs(a.astype(np.int64) - e.astype(np.int64))))
    return 0.0 if np.array_equal(a, e) else float("inf")


def assert_close(actual, expected, rtol, atol, what):
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{what}: list length"
        for i, (a, e) in enumerate(zip(actual, expected)):
            assert_close(a, e, rtol, atol, f"{what}[{i}]")
        return
    if isinstance(expected, dict):
        assert isinstance(actual, dict) and list(actual) == list(expected), f"{what}: map keys"
        for k in expected:
            assert_close(actual[k], expected[k], rtol, atol, f"{what}[{k!r}]")
        return
    a, e = np.asarray(actual), np.asarray(expected)
    if e.dtype.kind in "fc":
        assert a.shape == e.shape, f"{what}: shape {a.shape} vs {e.shape}"
        np.testing.assert_allclose(a.astype(np.float64), e.astype(np.float64), rtol=rtol, atol=atol, err_msg=what, equal_nan=True)
    else:
        assert a.shape == e.shape, f"{what}: shape {a.shape} vs {e.shape}"
        np.testing.assert_array_equal(a, e, err_msg=what)


# ---------------------------------------------------------------- model facts

def qualified_ops(model: onnx.ModelProto) -> list[str]:
    """Op types as `onnx-explorer info --json` spells them: "Conv", "ai.onnx.ml:ZipMap"."""
    ops: set[str] = set()

    def walk(graph: onnx.GraphProto):
        for n in graph.node:
            ops.add(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}:{n.op_type}")
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH:
                    walk(a.g)
                for g in a.graphs:
                    walk(g)

    walk(model.graph)
    for f in model.functions:
        for n in f.node:
            ops.add(n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}:{n.op_type}")
    return sorted(ops)


def domains(model: onnx.ModelProto) -> set[str]:
    return {o.split(":")[0] if ":" in o else "" for o in qualified_ops(model)}


def is_standard(model: onnx.ModelProto) -> bool:
    return all(d in STANDARD_DOMAINS for d in domains(model))


def type_text(tp: onnx.TypeProto) -> str:
    kind = tp.WhichOneof("value")
    if kind == "tensor_type":
        tt = tp.tensor_type
        dims = [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in tt.shape.dim]
        dt = helper.tensor_dtype_to_string(tt.elem_type).replace("TensorProto.", "").lower()
        return f"{dt}{dims}" if tt.HasField("shape") else dt
    if kind == "sequence_type":
        return f"seq({type_text(tp.sequence_type.elem_type)})"
    if kind == "map_type":
        kt = helper.tensor_dtype_to_string(tp.map_type.key_type).replace("TensorProto.", "").lower()
        return f"map({kt},{type_text(tp.map_type.value_type)})"
    return kind or "?"


def feed_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    inits = {i.name for i in model.graph.initializer}
    return [x for x in model.graph.input if x.name not in inits]


# ---------------------------------------------------------------- cases

class Suite:
    """Collects cases into a temporary folder; finish() verifies, indexes and renames into place."""

    def __init__(self, out: str, name: str, stamp: str, contrib: bool = False, versions: str = ""):
        self.out = os.path.abspath(out)
        self.name = name
        self.stamp = stamp
        self.versions = versions
        self.contrib = contrib
        self.tmp = self.out + ".partial"
        if os.path.exists(self.tmp):
            shutil.rmtree(self.tmp)
        os.makedirs(self.tmp)
        self.index: dict[str, dict] = {}
        self.skipped: dict[str, str] = {}

    def skip(self, name: str, why: str) -> None:
        log(f"  skip {name}: {why}")
        self.skipped[name] = why

    def add(
        self,
        name: str,
        model: onnx.ModelProto,
        feeds: dict[str, Any],
        rtol: float = DEFAULT_RTOL,
        atol: float = DEFAULT_ATOL,
        optimize: bool = True,
        notes: str = "",
        extra: dict | None = None,
        check=None,
    ) -> list[Any] | None:
        """Writes one case; returns onnxruntime's outputs (None when the case was left out)."""
        assert name not in self.index, f"duplicate case {name}"
        if not is_standard(model) and not self.contrib:
            other = sorted(d for d in domains(model) if d not in STANDARD_DOMAINS)
            self.skip(name, f"uses non-standard domain(s) {', '.join(other)} (ops: "
                      f"{', '.join(o for o in qualified_ops(model) if ':' in o and not o.startswith('ai.onnx.ml:'))}); "
                      "pass --contrib to write it")
            return None
        onnx.checker.check_model(model, full_check=is_standard(model))
        ins = feed_inputs(model)
        assert [x.name for x in ins] == list(feeds), f"{name}: feeds {list(feeds)} vs inputs {[x.name for x in ins]}"
        outputs = ort_run(model, feeds, optimize=optimize)

        case = os.path.join(self.tmp, name)
        data = os.path.join(case, "test_data_set_0")
        os.makedirs(data)
        with open(os.path.join(case, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for k, x in enumerate(ins):
            with open(os.path.join(data, f"input_{k}.pb"), "wb") as f:
                f.write(value_proto(feeds[x.name], x.type, x.name).SerializeToString())
        for k, (y, v) in enumerate(zip(model.graph.output, outputs)):
            with open(os.path.join(data, f"output_{k}.pb"), "wb") as f:
                f.write(value_proto(v, y.type, y.name).SerializeToString())
        if (rtol, atol) != (DEFAULT_RTOL, DEFAULT_ATOL):
            with open(os.path.join(case, "data.json"), "w") as f:
                json.dump({"rtol": rtol, "atol": atol}, f)
                f.write("\n")
        entry = {
            "op_types": qualified_ops(model),
            "opset_imports": {(o.domain or "ai.onnx"): o.version for o in model.opset_import},
            "ir_version": model.ir_version,
            "inputs": {x.name: type_text(x.type) for x in ins},
            "outputs": {y.name: type_text(y.type) for y in model.graph.output},
            "rtol": rtol,
            "atol": atol,
            "expected_from": "onnxruntime " + ("ORT_ENABLE_ALL" if optimize else "ORT_DISABLE_ALL") + ", 1 thread",
        }
        if notes:
            entry["notes"] = notes
        if extra:
            entry.update(extra)
        if check is not None:
            entry.update(check(outputs))
        self.index[name] = entry
        log(f"  {name}: {', '.join(entry['op_types'])}")
        return outputs

    def verify(self) -> None:
        """Reads every case back with onnx and re-runs it from the files with onnxruntime."""
        for name, entry in self.index.items():
            case = os.path.join(self.tmp, name)
            model = onnx.load(os.path.join(case, "model.onnx"))
            onnx.checker.check_model(model, full_check=is_standard(model))
            data = os.path.join(case, "test_data_set_0")
            ins = feed_inputs(model)
            n_in = len(glob.glob(os.path.join(data, "input_*.pb")))
            n_out = len(glob.glob(os.path.join(data, "output_*.pb")))
            assert n_in == len(ins) and n_out == len(model.graph.output), f"{name}: file counts"
            feeds = {x.name: load_value(os.path.join(data, f"input_{k}.pb"), x.type) for k, x in enumerate(ins)}
            expected = [load_value(os.path.join(data, f"output_{k}.pb"), y.type) for k, y in enumerate(model.graph.output)]
            optimize = "ENABLE" in entry["expected_from"]
            actual = ort_run(model, feeds, optimize=optimize)
            for k, (a, e) in enumerate(zip(actual, expected)):
                y = model.graph.output[k]
                if y.type.WhichOneof("value") == "tensor_type":
                    want = np_dtype(y.type.tensor_type.elem_type)
                    assert np.asarray(e).dtype == want or (want == object), f"{name} output {k}: stored dtype {np.asarray(e).dtype}, graph says {want}"
                assert_close(_unwrap_all(a), e, entry["rtol"], entry["atol"], f"{name} output {k} ({y.name})")
        log(f"verified {len(self.index)} cases: re-loaded with onnx, re-run with onnxruntime from the files")

    def reference_check(self) -> None:
        """Runs every case through onnx's reference evaluator (onnx.reference) and records in
        index.json whether it agrees with the stored outputs under the case's tolerance. For
        information only: the expected values are onnxruntime's."""
        from onnx.reference import ReferenceEvaluator

        agree = 0
        for name, entry in self.index.items():
            case = os.path.join(self.tmp, name)
            model = onnx.load(os.path.join(case, "model.onnx"))
            data = os.path.join(case, "test_data_set_0")
            ins = feed_inputs(model)
            feeds = {x.name: load_value(os.path.join(data, f"input_{k}.pb"), x.type) for k, x in enumerate(ins)}
            expected = [load_value(os.path.join(data, f"output_{k}.pb"), y.type) for k, y in enumerate(model.graph.output)]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    actual = ReferenceEvaluator(model).run(None, feeds)
            except Exception as e:
                msg = " ".join(str(e).split())
                if "No registered implementation" in msg:
                    msg = msg.split(" in ")[0]
                entry["onnx_reference"] = f"cannot run: {msg[:160]}"
                continue
            try:
                for k, (a, e) in enumerate(zip(actual, expected)):
                    assert_close(_unwrap_all(a), e, entry["rtol"], entry["atol"], f"output {k} ({model.graph.output[k].name})")
                entry["onnx_reference"] = "agrees"
                agree += 1
            except AssertionError as e:
                lines = [l.strip() for l in str(e).splitlines() if l.strip()]
                entry["onnx_reference"] = "differs: " + "; ".join(lines[:4])[:300]
            except Exception as e:
                entry["onnx_reference"] = f"differs: {type(e).__name__}: {' '.join(str(e).split())[:200]}"
        log(f"onnx reference evaluator agrees with onnxruntime on {agree} of {len(self.index)} cases")

    def finish(self) -> int:
        ops: dict[str, list[str]] = {}
        for name, entry in self.index.items():
            for o in entry["op_types"]:
                ops.setdefault(o, []).append(name)
        summary = {
            "suite": self.name,
            "stamp": self.stamp,
            "versions": self.versions,
            "case_count": len(self.index),
            "cases": self.index,
            "ops": {o: sorted(v) for o, v in sorted(ops.items())},
            "skipped": self.skipped,
        }
        with open(os.path.join(self.tmp, "index.json"), "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
            f.write("\n")
        with open(os.path.join(self.tmp, ".stamp"), "w") as f:
            f.write(f"{self.stamp} cases={len(self.index)}\n")
        if os.path.exists(self.out):
            shutil.rmtree(self.out)
        os.rename(self.tmp, self.out)
        return len(self.index)


def _unwrap_all(v):
    if isinstance(v, list):
        return [_unwrap(x) for x in v]
    return _unwrap(v)
