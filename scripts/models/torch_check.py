#!/usr/bin/env python3
"""Run by scripts/models/torch-check.sh inside its throwaway venv: can this PyTorch + transformers
build BERT, GPT-2 and ViT from configs with random weights (no downloads) and export them to ONNX,
and does onnxruntime agree with PyTorch on the exported files? Prints one line per model and
exporter; exit status 0 when at least one exporter worked for every model.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
import warnings


def main() -> int:
    t0 = time.time()
    import torch
    print(f"import torch: {time.time() - t0:.1f} s, torch {torch.__version__}, "
          f"cuda build {torch.version.cuda}, cuda available {torch.cuda.is_available()}, "
          f"threads {torch.get_num_threads()}", flush=True)
    torch.set_num_threads(1)
    import numpy as np
    import onnx
    import onnxruntime as ort
    import transformers
    from transformers import (BertConfig, BertModel, GPT2Config, GPT2Model, ViTConfig, ViTModel)
    print(f"transformers {transformers.__version__}, onnx {onnx.__version__}, onnxruntime {ort.__version__}", flush=True)
    try:
        import onnxscript
        print(f"onnxscript {onnxscript.__version__}", flush=True)
    except ImportError:
        print("onnxscript not installed (torch.onnx.export(dynamo=True) needs it)", flush=True)

    torch.manual_seed(0)
    small = dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=256)
    models = {
        "bert": (BertModel(BertConfig(vocab_size=1000, max_position_embeddings=128, **small)),
                 lambda: (torch.randint(0, 1000, (1, 32)), torch.ones(1, 32, dtype=torch.int64)),
                 ["input_ids", "attention_mask"]),
        "gpt2": (GPT2Model(GPT2Config(vocab_size=1000, n_positions=128, n_embd=128, n_layer=2, n_head=4)),
                 lambda: (torch.randint(0, 1000, (1, 32)),), ["input_ids"]),
        "vit": (ViTModel(ViTConfig(image_size=64, patch_size=16, **small), add_pooling_layer=False),
                lambda: (torch.randn(1, 3, 64, 64),), ["pixel_values"]),
    }
    ok_models = 0
    tmp = tempfile.mkdtemp(prefix="oe-torch-export-")
    for name, (model, make_inputs, input_names) in models.items():
        model.eval()
        for cfg in ("return_dict", "use_cache"):
            if hasattr(model.config, cfg):
                setattr(model.config, cfg, False)
        inputs = make_inputs()
        with torch.no_grad():
            ref = model(*inputs)[0].numpy()
        worked = False
        for dynamo in (True, False):
            label = f"{name} dynamo={dynamo}"
            path = os.path.join(tmp, f"{name}_{'dynamo' if dynamo else 'torchscript'}.onnx")
            try:
                t = time.time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    # inputs by keyword: transformers 5 forward() signatures put other
                    # parameters between the ones used here
                    torch.onnx.export(model, (), path, kwargs=dict(zip(input_names, inputs)),
                                      input_names=input_names, output_names=["out"],
                                      opset_version=18, dynamo=dynamo)
                secs = time.time() - t
                m = onnx.load(path)
                ops = sorted({n.op_type for n in m.graph.node})
                so = ort.SessionOptions()
                so.intra_op_num_threads = 1
                sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
                feeds = {i.name: x.numpy() for i, x in zip(sess.get_inputs(), inputs)}
                out = sess.run(None, feeds)[0]
                diff = float(np.max(np.abs(out - ref)))
                print(f"OK   {label}: export {secs:.1f} s, {os.path.getsize(path) / 1e6:.1f} MB, "
                      f"opset {m.opset_import[0].version}, {len(m.graph.node)} nodes, ORT vs torch max |diff| {diff:.2e}; "
                      f"ops: {', '.join(ops)}", flush=True)
                worked = worked or diff < 1e-3
            except Exception as e:
                msg = f"{type(e).__name__}: {e}".splitlines()[0][:300]
                print(f"FAIL {label}: {msg}", flush=True)
                if os.environ.get("TORCH_CHECK_TRACEBACK"):
                    traceback.print_exc()
        ok_models += worked
    print(f"{ok_models} of {len(models)} models exported and matched onnxruntime", flush=True)
    return 0 if ok_models == len(models) else 1


if __name__ == "__main__":
    sys.exit(main())
