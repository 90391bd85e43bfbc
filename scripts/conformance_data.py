#!/usr/bin/env python3
"""Writes the ONNX backend conformance data in the backend-test layout.

Run through scripts/conformance-data.sh, which picks the project venv (onnx==1.23.2).

  node/<case>/model.onnx
  node/<case>/test_data_set_0/input_K.pb, output_K.pb
  light/<name>/model.onnx
  light/<name>/test_data_set_0/input_0.pb, output_0.pb
  light/<name>/data.json      {"model_name", "rtol", "atol"} (densenet121 uses rtol 2e-3)

Node cases: onnx 1.23 no longer ships them as files; they are built in memory by
onnx.backend.test.case.node.collect_testcases(). Values are serialised exactly as onnx's own
writer does (onnx/backend/test/cmd_tools.py, generate_data): by the graph input/output type,
a map as MapProto (numpy_helper.from_dict), a sequence as SequenceProto (from_list), an optional
as OptionalProto (from_optional), a tensor as TensorProto (as is if already a TensorProto,
else numpy_helper.from_array), each named after the graph input/output.

Light models: onnx/backend/test/data/light/light_<name>.onnx ships with only its expected
output (light_<name>_output_0.pb). onnx's runner (onnx/backend/test/runner/__init__.py, run(),
use_dummy=True -> generate_dummy_data(x, seed=0, random=False)) feeds every graph input that is
not an initializer with a float32 tensor whose shape is the declared shape (dim_value, or 1 for a
dim without a value) and whose values are arange(n).reshape(shape) / n. We write that as
input_K.pb so that output_0.pb is the expected result.

The whole tree is written to a temporary sibling folder and renamed into place, then a stamp
file (.stamp) records what was written, so an interrupted run never leaves a half-written cache.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, numpy_helper

# Bump when the layout or the content written changes (the shell wrapper compares stamps).
LAYOUT_VERSION = 1


def stamp_text() -> str:
    return f"onnx=={onnx.__version__} layout={LAYOUT_VERSION}"


def serialize_value(value, value_info: onnx.ValueInfoProto) -> bytes:
    """Mirror of onnx.backend.test.cmd_tools.generate_data for one input or output."""
    t = value_info.type
    name = value_info.name
    if t.HasField("map_type"):
        return numpy_helper.from_dict(value, name).SerializeToString()
    if t.HasField("sequence_type"):
        return numpy_helper.from_list(value, name).SerializeToString()
    if t.HasField("optional_type"):
        return numpy_helper.from_optional(value, name).SerializeToString()
    assert t.HasField("tensor_type"), f"{name}: unsupported value type {t}"
    if isinstance(value, TensorProto):
        return value.SerializeToString()
    return numpy_helper.from_array(value, name).SerializeToString()


def write_node_cases(root: str) -> int:
    import onnx.backend.test.case.node as node_cases

    cases = node_cases.collect_testcases()
    for case in cases:
        assert case.model is not None and case.data_sets
        case_dir = os.path.join(root, "node", case.name)
        os.makedirs(case_dir)
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data_dir = os.path.join(case_dir, f"test_data_set_{i}")
            os.makedirs(data_dir)
            for j, value in enumerate(inputs):
                with open(os.path.join(data_dir, f"input_{j}.pb"), "wb") as f:
                    f.write(serialize_value(value, graph.input[j]))
            for j, value in enumerate(outputs):
                with open(os.path.join(data_dir, f"output_{j}.pb"), "wb") as f:
                    f.write(serialize_value(value, graph.output[j]))
    return len(cases)


def light_dummy_input(x: onnx.ValueInfoProto) -> np.ndarray:
    """Same as onnx's Runner.generate_dummy_data(x, random=False)."""
    if x.type.tensor_type.elem_type != TensorProto.FLOAT:
        raise NotImplementedError(f"light model input {x.name!r} is not float32")
    shape = tuple(
        d.dim_value if d.HasField("dim_value") else 1 for d in x.type.tensor_type.shape.dim
    )
    n = np.prod(shape)
    return (np.arange(n).reshape(shape) / n).astype(np.float32)


# Tolerances of onnx.backend.test.case.model.collect_testcases() for the light models.
LIGHT_TOLERANCES = {
    "bvlc_alexnet": (1e-3, 1e-7),
    "densenet121": (2e-3, 1e-7),
    "inception_v1": (1e-3, 1e-7),
    "inception_v2": (1e-3, 1e-7),
    "resnet50": (1e-3, 1e-7),
    "shufflenet": (1e-3, 1e-7),
    "squeezenet": (1e-3, 1e-7),
    "vgg19": (1e-3, 1e-7),
    "zfnet512": (1e-3, 1e-7),
}


def write_light_models(root: str) -> int:
    light_src = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light")
    count = 0
    for model_path in sorted(glob.glob(os.path.join(light_src, "light_*.onnx"))):
        name = os.path.basename(model_path)[len("light_") : -len(".onnx")]
        prefix = os.path.splitext(model_path)[0]
        model = onnx.load(model_path)
        outputs = [f"{prefix}_output_{i}.pb" for i in range(len(model.graph.output))]
        if not all(os.path.exists(p) for p in outputs):
            print(f"skipping light model {name}: no expected outputs", file=sys.stderr)
            continue
        case_dir = os.path.join(root, "light", name)
        data_dir = os.path.join(case_dir, "test_data_set_0")
        os.makedirs(data_dir)
        shutil.copyfile(model_path, os.path.join(case_dir, "model.onnx"))
        inits = {i.name for i in model.graph.initializer}
        k = 0
        for x in model.graph.input:
            if x.name in inits:
                continue
            value = light_dummy_input(x)
            with open(os.path.join(data_dir, f"input_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(value, x.name).SerializeToString())
            k += 1
        for i, p in enumerate(outputs):
            shutil.copyfile(p, os.path.join(data_dir, f"output_{i}.pb"))
        rtol, atol = LIGHT_TOLERANCES.get(name, (1e-3, 1e-7))
        with open(os.path.join(case_dir, "data.json"), "w") as f:
            json.dump({"model_name": name, "rtol": rtol, "atol": atol}, f, sort_keys=True)
            f.write("\n")
        count += 1
    return count


def load_value(path: str, type_proto: onnx.TypeProto):
    """Reads back one .pb written above, as onnxruntime wants it."""
    with open(path, "rb") as f:
        data = f.read()
    if type_proto.HasField("sequence_type"):
        seq = onnx.SequenceProto()
        seq.ParseFromString(data)
        return numpy_helper.to_list(seq)
    if type_proto.HasField("optional_type"):
        opt = onnx.OptionalProto()
        opt.ParseFromString(data)
        return numpy_helper.to_optional(opt)
    if type_proto.HasField("map_type"):
        m = onnx.MapProto()
        m.ParseFromString(data)
        return numpy_helper.to_dict(m)
    t = TensorProto()
    t.ParseFromString(data)
    return numpy_helper.to_array(t)


def assert_close(actual, expected, rtol, atol, what):
    if isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), what
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol, atol, what)
        return
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.dtype == expected.dtype, f"{what}: dtype {actual.dtype} vs {expected.dtype}"
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs {expected.shape}"
    if expected.dtype.kind in "fc":
        np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=what)


def verify_case(case_dir: str, rtol=1e-3, atol=1e-7) -> None:
    """Loads a written case back with onnx and runs it with onnxruntime."""
    import onnxruntime as ort

    model_path = os.path.join(case_dir, "model.onnx")
    model = onnx.load(model_path)
    onnx.checker.check_model(model)
    data_dir = os.path.join(case_dir, "test_data_set_0")
    n_in = len(glob.glob(os.path.join(data_dir, "input_*.pb")))
    n_out = len(glob.glob(os.path.join(data_dir, "output_*.pb")))
    inits = {i.name for i in model.graph.initializer}
    graph_inputs = [x for x in model.graph.input if x.name not in inits]
    feeds = {
        graph_inputs[k].name: load_value(os.path.join(data_dir, f"input_{k}.pb"), graph_inputs[k].type)
        for k in range(n_in)
    }
    expected = [
        load_value(os.path.join(data_dir, f"output_{k}.pb"), model.graph.output[k].type)
        for k in range(n_out)
    ]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    # onnxruntime 1.31 reads IR versions up to 13; the newest node cases say 14 without
    # using anything IR 14 adds, so the spot check lowers the number in memory only.
    # Likewise it accepts ai.onnx opsets up to 26; a few cases are stamped 28 (e.g. the Optional
    # ops, whose schemas did not change): the check is about the data files, not the opset.
    model.ir_version = min(model.ir_version, 13)
    for imp in model.opset_import:
        if imp.domain in ("", "ai.onnx"):
            imp.version = min(imp.version, 26)
    sess = ort.InferenceSession(
        model.SerializeToString(), opts, providers=["CPUExecutionProvider"]
    )
    actual = sess.run(None, feeds)
    assert len(actual) == len(expected), f"{case_dir}: {len(actual)} outputs vs {len(expected)}"
    for k, (a, e) in enumerate(zip(actual, expected)):
        assert_close(a, e, rtol, atol, f"{case_dir} output {k}")


# A few cases of each value kind, checked against onnxruntime after writing.
VERIFY_NODE_CASES = [
    "test_add_bcast",
    "test_conv_with_strides_padding",
    "test_softmax_axis_0",
    "test_gather_0",
    "test_layer_normalization_2d_axis0",
    "test_sequence_insert_at_back",          # SequenceProto input and output
    "test_optional_get_element_tensor",      # OptionalProto input
    "test_optional_get_element_sequence",    # OptionalProto of a sequence
    "test_sequence_map_add_2_sequences",     # Loop-like subgraph over sequences
    "test_if",                               # subgraph
]
VERIFY_LIGHT = ["squeezenet", "bvlc_alexnet"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cache", help="output folder (replaced as a whole)")
    ap.add_argument("--no-verify", action="store_true", help="skip the onnxruntime spot checks")
    args = ap.parse_args()

    cache = os.path.abspath(args.cache)
    parent = os.path.dirname(cache)
    os.makedirs(parent, exist_ok=True)
    tmp = cache + ".partial"
    if os.path.exists(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)

    n_node = write_node_cases(tmp)
    n_light = write_light_models(tmp)

    if not args.no_verify:
        for name in VERIFY_NODE_CASES:
            d = os.path.join(tmp, "node", name)
            if os.path.isdir(d):
                verify_case(d)
            else:
                print(f"warning: verify case {name} not found", file=sys.stderr)
        for name in VERIFY_LIGHT:
            rtol, atol = LIGHT_TOLERANCES[name]
            # onnxruntime vs the reference outputs: allow a little more than the spec tolerance
            # for accumulated float error across a whole network.
            verify_case(os.path.join(tmp, "light", name), rtol=max(rtol, 1e-3), atol=1e-5)
        print(
            f"verified {len(VERIFY_NODE_CASES)} node cases and {len(VERIFY_LIGHT)} light models "
            "with onnxruntime",
            file=sys.stderr,
        )

    with open(os.path.join(tmp, ".stamp"), "w") as f:
        f.write(f"{stamp_text()} node={n_node} light={n_light}\n")
    if os.path.exists(cache):
        shutil.rmtree(cache)
    os.rename(tmp, cache)
    print(f"{n_node} node cases and {n_light} light models written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
