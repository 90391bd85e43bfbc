#!/usr/bin/env python3
"""Writes the exported-model suite (issue 4): torchvision CNNs / vision transformers and Hugging Face
transformers, all with random weights from their constructors or configs (nothing is downloaded:
HF_HUB_OFFLINE=1), exported with torch.onnx.export, every model as a case in the ONNX backend-test
layout (common.py).

Run through scripts/models/torch.sh, which picks the torch venv (scripts/models/torch-venv.sh).

Cases (batch 1):
  resnet18 resnet50 mobilenet_v2 mobilenet_v3_large efficientnet_b0 densenet121 convnext_tiny
  vit_b_16 swin_t       torchvision, image 1x3x224x224 (standard normal values)
  bert_base_s128        BertModel(BertConfig()) (bert-base: 12 layers, hidden 768), input_ids,
                        attention_mask (the last 16 positions padded), token_type_ids
  gpt2_s16 gpt2_s128    GPT2LMHeadModel(GPT2Config()) (GPT-2 small, 124M), input_ids, logits out
  t5_small_encoder_s128 T5EncoderModel(T5Config()) (t5-small: 6 layers, d_model 512), input_ids,
                        attention_mask
  whisper_tiny_encoder  WhisperModel(WhisperConfig(whisper-tiny sizes)).get_encoder(), input
                        features 1x80x3000

Random weights make a network's activations drift; so that batch normalization works on
realistic statistics rather than the constructor's mean 0 / variance 1, the torchvision models'
BatchNorm running statistics are first set to the cumulative average over two random batches in
training mode, then the model is put in eval mode; a Linear layer the constructor zero-initializes
(vit_b_16's classifier head) gets normal(0, 0.02) weights instead, so the output is not all zeros.

Export: torch.onnx.export(dynamo=True) (the exporter's default opset, onnxscript's optimizer on);
if that fails, the TorchScript exporter (dynamo=False); index.json records which one ("exporter")
and why the first failed. A model that neither can export, that onnx's checker rejects or that
onnxruntime cannot run is listed under "skipped" and the others are still written.

Expected values: onnxruntime's outputs (all optimizations, one thread); tolerance rtol 1e-3 /
atol 1e-4 (data.json). index.json also records the largest difference between onnxruntime and
PyTorch on the same inputs ("ort_vs_torch_max_abs_diff") and whether they agree within that
tolerance ("ort_agrees_with_torch").
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import traceback
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import onnx  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from common import Suite, log  # noqa: E402

LAYOUT_VERSION = 1
RTOL, ATOL = 1e-3, 1e-4
VISION = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0",
          "densenet121", "convnext_tiny", "vit_b_16", "swin_t"]


def stamp_text() -> str:
    import onnxruntime
    import onnxscript
    import torch
    import torchvision
    import transformers

    return (f"torch layout={LAYOUT_VERSION} onnx=={onnx.__version__} onnxruntime=={onnxruntime.__version__} "
            f"torch=={torch.__version__} torchvision=={torchvision.__version__} "
            f"transformers=={transformers.__version__} onnxscript=={onnxscript.__version__}")


# ---------------------------------------------------------------- models

def calibrate_batchnorm(model, shape, seed: int) -> None:
    """Running statistics = cumulative average over two random batches in training mode."""
    import torch

    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    g = torch.Generator().manual_seed(seed)
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(2, *shape[1:], generator=g))
    model.eval()


def vision_model(name: str, seed: int):
    import torch
    import torchvision

    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    shape = (1, 3, 224, 224)
    # torchvision zero-initializes some classifier heads (vit_b_16): the output would be all zeros
    for m in model.modules():
        if isinstance(m, torch.nn.Linear) and not m.weight.any():
            torch.nn.init.normal_(m.weight, std=0.02)
            torch.nn.init.normal_(m.bias, std=0.02)
    calibrate_batchnorm(model, shape, seed)
    model.eval()
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(1000 + seed))
    # positional: torchvision's forward(x); the graph input is named "input"
    return model, {"input": x}, ["output"], f"torchvision.models.{name}(weights=None), BatchNorm statistics from 2 random batches", True


def _hf_eval(model):
    model.eval()
    # no key/value cache outputs; return_dict stays on (GPT2LMHeadModel needs it in transformers 5),
    # the exporter flattens the ModelOutput
    if hasattr(model.config, "use_cache"):
        model.config.use_cache = False
    return model


def bert_model(seed: int):
    import torch
    from transformers import BertConfig, BertModel

    torch.manual_seed(seed)
    cfg = BertConfig()
    model = _hf_eval(BertModel(cfg))
    g = torch.Generator().manual_seed(1000 + seed)
    s = 128
    ids = torch.randint(0, cfg.vocab_size, (1, s), generator=g)
    mask = torch.ones(1, s, dtype=torch.int64)
    mask[:, s - 16:] = 0
    types = torch.zeros(1, s, dtype=torch.int64)
    types[:, s // 2:] = 1
    return (model, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
            ["last_hidden_state", "pooler_output"], "BertModel(BertConfig()) (bert-base), last 16 positions masked", False)


def gpt2_model(seed: int, s: int):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    cfg = GPT2Config()
    model = _hf_eval(GPT2LMHeadModel(cfg))
    ids = torch.randint(0, cfg.vocab_size, (1, s), generator=torch.Generator().manual_seed(1000 + seed))
    return model, {"input_ids": ids}, ["logits"], f"GPT2LMHeadModel(GPT2Config()) (GPT-2 small), sequence {s}", False


def t5_encoder_model(seed: int):
    import torch
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(seed)
    cfg = T5Config()
    model = _hf_eval(T5EncoderModel(cfg))
    s = 128
    ids = torch.randint(0, cfg.vocab_size, (1, s), generator=torch.Generator().manual_seed(1000 + seed))
    mask = torch.ones(1, s, dtype=torch.int64)
    mask[:, s - 8:] = 0
    return (model, {"input_ids": ids, "attention_mask": mask}, ["last_hidden_state"],
            "T5EncoderModel(T5Config()) (t5-small encoder), last 8 positions masked", False)


def whisper_encoder_model(seed: int):
    import torch
    from transformers import WhisperConfig, WhisperModel

    torch.manual_seed(seed)
    cfg = WhisperConfig(d_model=384, encoder_layers=4, encoder_attention_heads=6, encoder_ffn_dim=1536,
                        decoder_layers=4, decoder_attention_heads=6, decoder_ffn_dim=1536, num_mel_bins=80)
    enc = WhisperModel(cfg).get_encoder()
    enc.config = cfg
    _hf_eval(enc)
    x = torch.randn(1, 80, 3000, generator=torch.Generator().manual_seed(1000 + seed))
    return enc, {"input_features": x}, ["last_hidden_state"], "WhisperModel(WhisperConfig(whisper-tiny sizes)).get_encoder()", False


def builders():
    out = [(n, (lambda n=n, s=i: vision_model(n, s))) for i, n in enumerate(VISION)]
    out += [
        ("bert_base_s128", lambda: bert_model(20)),
        ("gpt2_s16", lambda: gpt2_model(21, 16)),
        ("gpt2_s128", lambda: gpt2_model(21, 128)),
        ("t5_small_encoder_s128", lambda: t5_encoder_model(22)),
        ("whisper_tiny_encoder", lambda: whisper_encoder_model(23)),
    ]
    return out


# ---------------------------------------------------------------- export

def first_line(e: BaseException) -> str:
    """The exception's first line, and its cause's (the exporter wraps the interesting one)."""
    parts = []
    while e is not None and len(parts) < 3:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip()  # the exporter colours its messages
        text = " ".join(text.splitlines()[0].split()) if text else ""
        parts.append(f"{type(e).__name__}: {text}"[:200])
        e = e.__cause__
    return " <- ".join(parts)


def export(model, inputs: dict, positional: bool, output_names: list[str], path: str) -> tuple[onnx.ModelProto, str, dict]:
    """torch.onnx.export with dynamo=True, else dynamo=False; returns the in-memory model (external
    data loaded), the exporter's name and facts for index.json."""
    import torch

    facts: dict = {}
    errors = []
    for dynamo in (True, False):
        label = "dynamo" if dynamo else "torchscript"
        d = os.path.join(path, label)
        os.makedirs(d, exist_ok=True)
        f = os.path.join(d, "model.onnx")
        try:
            t = time.time()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # transformers' inputs by keyword: their forward() signatures put other parameters in between
                args, kwargs = (tuple(inputs.values()), None) if positional else ((), inputs)
                torch.onnx.export(model, args, f, kwargs=kwargs, input_names=list(inputs),
                                  output_names=output_names, dynamo=dynamo, verbose=False)
            facts["export_seconds"] = round(time.time() - t, 1)
            m = onnx.load(f)  # also reads external data, if the exporter wrote any
            if errors:
                facts["dynamo_export_error"] = errors[0]
            return m, f"torch.onnx.export(dynamo={dynamo})", facts
        except Exception as e:
            errors.append(first_line(e))
            log(f"    export dynamo={dynamo} failed: {errors[-1]}")
            if os.environ.get("TORCH_SUITE_TRACEBACK"):
                traceback.print_exc()
    raise RuntimeError("; ".join(f"dynamo={d}: {e}" for d, e in zip((True, False), errors)))


def flat_outputs(out) -> list[np.ndarray]:
    import torch

    if isinstance(out, torch.Tensor):
        return [out.numpy()]
    if hasattr(out, "to_tuple"):
        out = out.to_tuple()
    res = []
    for o in out:
        if o is None:
            continue
        res.extend(flat_outputs(o))
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder (replaced as a whole)")
    ap.add_argument("--contrib", action="store_true", help="also write cases that use com.microsoft ops")
    ap.add_argument("--no-verify", action="store_true", help="skip the read-back check")
    ap.add_argument("--stamp", default="", help="first part of the .stamp line (set by the shell wrapper)")
    ap.add_argument("--only", default="", help="comma-separated case names to build (for debugging)")
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    versions = stamp_text()
    log(versions)
    suite = Suite(args.out, "torch", args.stamp or versions, contrib=args.contrib, versions=versions)
    only = {s for s in args.only.split(",") if s}
    with tempfile.TemporaryDirectory(prefix="oe-torch-suite-") as tmp:
        for name, build in builders():
            if only and name not in only:
                continue
            log(f"{name}:")
            t0 = time.time()
            try:
                model, inputs, output_names, what, positional = build()
                with torch.no_grad():
                    ref = flat_outputs(model(*inputs.values()) if positional else model(**inputs))
            except Exception as e:
                suite.skip(name, f"PyTorch model failed: {first_line(e)}")
                continue
            try:
                m, exporter, facts = export(model, inputs, positional, output_names[:len(ref)], os.path.join(tmp, name))
            except Exception as e:
                suite.skip(name, f"export failed: {first_line(e)}")
                continue
            feed_names = [x.name for x in common.feed_inputs(m)]
            # The exporter may drop inputs the graph does not use; feeds follow the graph.
            feeds = {}
            for n in feed_names:
                if n not in inputs:
                    suite.skip(name, f"exported graph input {n!r} is none of {list(inputs)}")
                    break
                feeds[n] = inputs[n].numpy()
            else:
                extra = {"source": what, "exporter": exporter, **facts}
                try:
                    ort_out = common.ort_run(m, feeds)
                    diffs = [common.max_diff(a, b) for a, b in zip(ort_out, ref)]
                    agree = len(ort_out) == len(ref) and all(
                        a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL) for a, b in zip(ort_out, ref))
                    extra["ort_vs_torch_max_abs_diff"] = max(diffs) if diffs else None
                    extra["ort_agrees_with_torch"] = bool(agree)
                    extra["output_max_abs"] = max(float(np.max(np.abs(a))) for a in ort_out)
                    extra["node_count"] = len(m.graph.node)
                    suite.add(name, m, feeds, RTOL, ATOL, extra=extra)
                    opset = next((o.version for o in m.opset_import if o.domain in ("", "ai.onnx")), None)
                    log(f"    {exporter}, opset {opset}, {extra.get('export_seconds')} s export, ORT vs torch "
                        f"{extra['ort_vs_torch_max_abs_diff']:.2e} ({'agrees' if agree else 'DIFFERS'}), "
                        f"{time.time() - t0:.0f} s in all")
                except Exception as e:
                    suite.skip(name, f"checker or onnxruntime rejected the export: {first_line(e)}")
            del model
    if not args.no_verify:
        suite.verify()
    n = suite.finish()
    log(f"{n} cases written, {len(suite.skipped)} skipped" +
        ("".join(f"\n  skipped {k}: {v}" for k, v in suite.skipped.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
