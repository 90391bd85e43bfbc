#!/usr/bin/env python3
"""Checks `onnx-explorer info MODEL --json` against what the onnx Python loader says.

Usage:
  scripts/check_info.py MODEL... [--binary PATH] [--samples] [--light] [-v]

  --binary   the onnx-explorer executable (default .build/release/onnx-explorer, else
             .build/debug/onnx-explorer)
  --samples  add samples/*.onnx
  --light    add the light models shipped in the onnx wheel (onnx/backend/test/data/light)
  -v         print the full expected and actual values of differing keys

Prints one line per model, "OK  MODEL" or "FAIL  MODEL: key (ours X, onnx Y); ...", and exits 1
if any model differs (2 on bad usage). Runs itself under the project venv (scripts/venv.sh) when
the current Python has no onnx.

What is compared (the `info --json` contract of README.md / design.md):
  ir_version, opset_imports [{domain, version}] (order-insensitive), producer_name,
  producer_version, domain, model_version, doc_string, graph_name,
  node_count          nodes of the main graph
  total_node_count    main graph + every subgraph (GRAPH/GRAPHS attributes, recursively, e.g.
                      If/Loop/Scan bodies) + every model-local function body (and its subgraphs)
  initializer_count   graph.initializer + graph.sparse_initializer
  parameter_count     sum of element counts of those initializers (sparse: its values)
  weight_bytes        sum of element count x element size, sub-byte types packed
                      (int4/uint4/float4e2m1: ceil(n/2), int2/uint2: ceil(n/4)); strings: the
                      bytes of string_data; sparse: values + indices
  inputs / outputs    [{name, dtype, shape}] for every graph input/output as declared (an IR 3
                      model lists its initializers among the inputs): dtype is a numpy-style name
                      (float32, int64, float16, bfloat16, bool, string, float8e4m3fn, ...);
                      shape is a list of ints / dim_param strings / null (unknown dim), or null
                      when the type has no shape; non-tensor types give dtype as the type text,
                      e.g. seq(map(string,float32[])), and shape null
  op_types            {op: count} over the main graph, subgraphs and functions; domain prefix
                      "domain:Op" only for domains other than "" and "ai.onnx"
  functions           [(name, domain)] in file order
  metadata_props      {key: value} (a repeated key: the last value)
  external_files      (only if present in the output) the set of external data locations
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

try:
    import onnx
    from onnx import TensorProto
except ImportError:  # re-run under the project venv
    if os.environ.get("ONNX_EXPLORER_CHECK_INFO_REEXEC"):
        raise
    venv = subprocess.run([os.path.join(HERE, "venv.sh")], check=True, capture_output=True,
                          text=True).stdout.strip()
    os.environ["ONNX_EXPLORER_CHECK_INFO_REEXEC"] = "1"
    py = os.path.join(venv, "bin", "python")
    os.execv(py, [py, os.path.abspath(__file__), *sys.argv[1:]])

# ----------------------------------------------------------------------------- expectations

_DTYPE_NAMES = {
    TensorProto.UNDEFINED: "undefined",
    TensorProto.FLOAT: "float32",
    TensorProto.DOUBLE: "float64",
    TensorProto.FLOAT16: "float16",
    TensorProto.BFLOAT16: "bfloat16",
    TensorProto.UINT8: "uint8",
    TensorProto.INT8: "int8",
    TensorProto.UINT16: "uint16",
    TensorProto.INT16: "int16",
    TensorProto.INT32: "int32",
    TensorProto.INT64: "int64",
    TensorProto.UINT32: "uint32",
    TensorProto.UINT64: "uint64",
    TensorProto.STRING: "string",
    TensorProto.BOOL: "bool",
    TensorProto.COMPLEX64: "complex64",
    TensorProto.COMPLEX128: "complex128",
}

_BITS = {
    "float32": 32, "float64": 64, "float16": 16, "bfloat16": 16, "uint8": 8, "int8": 8,
    "uint16": 16, "int16": 16, "int32": 32, "int64": 64, "uint32": 32, "uint64": 64, "bool": 8,
    "complex64": 64, "complex128": 128, "float8e4m3fn": 8, "float8e4m3fnuz": 8, "float8e5m2": 8,
    "float8e5m2fnuz": 8, "float8e8m0": 8, "uint4": 4, "int4": 4, "float4e2m1": 4, "uint2": 2,
    "int2": 2, "float6e2m3": 6, "float6e3m2": 6,
}


def dtype_name(code: int) -> str:
    if code in _DTYPE_NAMES:
        return _DTYPE_NAMES[code]
    try:  # newer types: the enum name lowercased (FLOAT8E4M3FN -> float8e4m3fn)
        return TensorProto.DataType.Name(code).lower()
    except ValueError:
        return f"dtype({code})"


def shape_json(tensor_type):
    if not tensor_type.HasField("shape"):
        return None
    dims = []
    for d in tensor_type.shape.dim:
        kind = d.WhichOneof("value")
        dims.append(d.dim_value if kind == "dim_value" else d.dim_param if kind == "dim_param" else None)
    return dims


def shape_text(tensor_type) -> str:
    s = shape_json(tensor_type)
    if s is None:
        return "[?]"
    return "[" + ",".join("?" if d is None else str(d) for d in s) + "]"


def type_text(t) -> str:
    kind = t.WhichOneof("value")
    if kind == "tensor_type":
        return dtype_name(t.tensor_type.elem_type) + shape_text(t.tensor_type)
    if kind == "sparse_tensor_type":
        return "sparse " + dtype_name(t.sparse_tensor_type.elem_type) + shape_text(t.sparse_tensor_type)
    if kind == "sequence_type":
        inner = t.sequence_type.elem_type
        return f"seq({type_text(inner) if t.sequence_type.HasField('elem_type') else '?'})"
    if kind == "map_type":
        m = t.map_type
        return f"map({dtype_name(m.key_type)},{type_text(m.value_type) if m.HasField('value_type') else '?'})"
    if kind == "optional_type":
        o = t.optional_type
        return f"optional({type_text(o.elem_type) if o.HasField('elem_type') else '?'})"
    if kind == "opaque_type":
        o = t.opaque_type
        return f"opaque({o.domain + '.' + o.name if o.domain else o.name})"
    return "?"


def value_json(v) -> dict:
    t = v.type
    kind = t.WhichOneof("value") if v.HasField("type") else None
    if kind == "tensor_type":
        return {"name": v.name, "dtype": dtype_name(t.tensor_type.elem_type), "shape": shape_json(t.tensor_type)}
    if kind == "sparse_tensor_type":
        st = t.sparse_tensor_type
        return {"name": v.name, "dtype": dtype_name(st.elem_type), "shape": shape_json(st)}
    return {"name": v.name, "dtype": type_text(t) if kind else "?", "shape": None}


def element_count(t) -> int:
    n = 1
    for d in t.dims:
        n *= d
    return n


def data_bytes(t) -> int:
    name = dtype_name(t.data_type)
    if name == "string":
        return sum(len(s) for s in t.string_data)
    bits = _BITS.get(name)
    if bits is None:
        return 0
    return (element_count(t) * bits + 7) // 8


def canonical_domain(domain: str) -> str:
    return "" if domain in ("", "ai.onnx") else domain


def expected(model: "onnx.ModelProto") -> dict:
    g = model.graph
    op_types: dict[str, int] = {}
    total = 0

    def visit_nodes(nodes):
        nonlocal total
        total += len(nodes)
        for n in nodes:
            d = canonical_domain(n.domain)
            key = f"{d}:{n.op_type}" if d else n.op_type
            op_types[key] = op_types.get(key, 0) + 1
            for a in n.attribute:
                if a.type == onnx.AttributeProto.GRAPH or a.HasField("g"):
                    visit_nodes(a.g.node)
                for sub in a.graphs:
                    visit_nodes(sub.node)

    visit_nodes(g.node)
    for f in model.functions:
        visit_nodes(f.node)

    params = sum(element_count(t) for t in g.initializer)
    wbytes = sum(data_bytes(t) for t in g.initializer)
    for s in g.sparse_initializer:
        params += element_count(s.values)
        wbytes += data_bytes(s.values) + data_bytes(s.indices)

    external = []
    for t in g.initializer:
        if t.data_location == TensorProto.EXTERNAL:
            loc = next((e.value for e in t.external_data if e.key == "location"), "")
            if loc not in external:
                external.append(loc)

    meta = {}
    for p in model.metadata_props:
        meta[p.key] = p.value

    return {
        "ir_version": model.ir_version,
        "opset_imports": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
        "producer_name": model.producer_name,
        "producer_version": model.producer_version,
        "domain": model.domain,
        "model_version": model.model_version,
        "doc_string": model.doc_string,
        "graph_name": g.name,
        "node_count": len(g.node),
        "total_node_count": total,
        "initializer_count": len(g.initializer) + len(g.sparse_initializer),
        "parameter_count": params,
        "weight_bytes": wbytes,
        "inputs": [value_json(v) for v in g.input],
        "outputs": [value_json(v) for v in g.output],
        "op_types": op_types,
        "functions": [{"name": f.name, "domain": f.domain} for f in model.functions],
        "metadata_props": meta,
        "external_files": external,
    }


# ----------------------------------------------------------------------------- comparison

KEYS = [
    "ir_version", "opset_imports", "producer_name", "producer_version", "domain", "model_version",
    "doc_string", "graph_name", "node_count", "total_node_count", "initializer_count",
    "parameter_count", "weight_bytes", "inputs", "outputs", "op_types", "functions",
    "metadata_props",
]


def normalise(key: str, value):
    """Brings an actual value into the comparable form for `key`."""
    if key == "opset_imports" and isinstance(value, list):
        return sorted(
            ({"domain": o.get("domain"), "version": o.get("version")} if isinstance(o, dict) else o for o in value),
            key=lambda o: json.dumps(o, sort_keys=True),
        )
    if key in ("inputs", "outputs") and isinstance(value, list):
        return [{k: v.get(k) for k in ("name", "dtype", "shape")} if isinstance(v, dict) else v for v in value]
    if key == "functions" and isinstance(value, list):
        return [{"name": f.get("name"), "domain": f.get("domain")} if isinstance(f, dict) else f for f in value]
    if key == "external_files" and isinstance(value, list):
        return sorted(f.get("location") if isinstance(f, dict) else f for f in value)
    return value


def short(value, limit=160) -> str:
    s = json.dumps(value, sort_keys=True, ensure_ascii=True)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def explain(key: str, ours, theirs) -> str:
    """A short description of how two values differ."""
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return f"{key}: {len(ours)} entries, onnx {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            if a != b:
                if isinstance(a, dict) and isinstance(b, dict):
                    diff = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
                    return f"{key}[{i}]: " + ", ".join(
                        f"{k} ours {short(a.get(k), 60)} onnx {short(b.get(k), 60)}" for k in diff
                    )
                return f"{key}[{i}]: ours {short(a, 60)}, onnx {short(b, 60)}"
    if isinstance(ours, dict) and isinstance(theirs, dict):
        diff = sorted(k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k))
        parts = [f"{k} ours {short(ours.get(k), 40)} onnx {short(theirs.get(k), 40)}" for k in diff[:4]]
        more = f" (+{len(diff) - 4} more)" if len(diff) > 4 else ""
        return f"{key}: " + ", ".join(parts) + more
    return f"{key} (ours {short(ours, 80)}, onnx {short(theirs, 80)})"


def compare(actual: dict, want: dict, verbose: bool) -> list[str]:
    problems = []
    for key in KEYS:
        if key not in actual:
            problems.append(f"{key} missing")
            continue
        ours = normalise(key, actual[key])
        theirs = normalise(key, want[key])
        if ours != theirs:
            problems.append(explain(key, ours, theirs))
            if verbose:
                print(f"    {key}\n      ours: {json.dumps(ours, sort_keys=True)}\n"
                      f"      onnx: {json.dumps(theirs, sort_keys=True)}", file=sys.stderr)
    if "external_files" in actual:
        ours = normalise("external_files", actual["external_files"])
        theirs = sorted(want["external_files"])
        if ours != theirs:
            problems.append(explain("external_files", ours, theirs))
    return problems


def check_model(binary: str, path: str, verbose: bool) -> tuple[bool, str]:
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception as e:  # noqa: BLE001 - report anything the loader says
        return False, f"onnx cannot load it: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    want = expected(model)
    try:
        proc = subprocess.run([binary, "info", path, "--json"], capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return False, "info timed out after 120 s"
    except OSError as e:
        return False, f"cannot run {binary}: {e}"
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return False, f"info exited {proc.returncode}: {err[0] if err else '(no message)'}"
    try:
        actual = json.loads(proc.stdout)
    except ValueError as e:
        return False, f"info --json printed invalid JSON: {e}"
    if not isinstance(actual, dict):
        return False, "info --json did not print an object"
    problems = compare(actual, want, verbose)
    return (not problems), "; ".join(problems)


def default_binary() -> str:
    for kind in ("release", "debug"):
        p = os.path.join(ROOT, ".build", kind, "onnx-explorer")
        if os.path.exists(p):
            return p
    return os.path.join(ROOT, ".build", "release", "onnx-explorer")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", metavar="MODEL")
    ap.add_argument("--binary", default=None, help="onnx-explorer executable")
    ap.add_argument("--samples", action="store_true", help="add samples/*.onnx")
    ap.add_argument("--light", action="store_true", help="add the onnx wheel's light models")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    models = list(args.models)
    if args.samples:
        models += sorted(glob.glob(os.path.join(ROOT, "samples", "*.onnx")))
    if args.light:
        light = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
        models += sorted(glob.glob(os.path.join(light, "light_*.onnx")))
    if not models:
        ap.print_usage(sys.stderr)
        print("check_info.py: no models given (MODEL..., --samples or --light)", file=sys.stderr)
        return 2
    binary = args.binary or default_binary()
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        print(f"check_info.py: no executable at {binary} (build it, or pass --binary)", file=sys.stderr)
        return 2

    failed = 0
    for path in models:
        ok, message = check_model(binary, path, args.verbose)
        if ok:
            print(f"OK    {path}")
        else:
            failed += 1
            print(f"FAIL  {path}: {message}")
    print(f"{len(models) - failed} of {len(models)} models match onnx")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
