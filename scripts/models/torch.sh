#!/usr/bin/env bash
# Builds the exported-model suite (issue 4): torchvision resnet18/50, mobilenet_v2/v3_large,
# efficientnet_b0, densenet121, convnext_tiny, vit_b_16, swin_t (1x3x224x224) and Hugging Face
# BERT-base (sequence 128), GPT-2 small with its LM head (sequence 16 and 128), the t5-small encoder
# and the whisper-tiny encoder, all with random weights from constructors / configs (no downloads),
# exported with torch.onnx.export(dynamo=True) (TorchScript exporter as fallback), each as a case in
# ONNX backend-test layout with onnxruntime's outputs (one thread) as expected values:
#
#   OUT/<case>/model.onnx, OUT/<case>/test_data_set_0/{input,output}_K.pb, OUT/<case>/data.json
#   OUT/index.json   case -> op types, opset imports, exporter, ORT-vs-PyTorch difference; skipped
#
# Usage: scripts/models/torch.sh [OUT] [--rebuild] [--no-verify]
#   OUT        default ${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models/torch (about 2.5 GB)
#   --rebuild  rewrite even if the stamp says it is up to date
# Python: its own venv, scripts/models/torch-venv.sh (PyTorch's CUDA build from PyPI, 5.7 GB,
# minutes to install the first time). Writing the suite takes about 10 minutes on one core.
# The last line on stdout is OUT. Then: onnx-explorer test OUT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
SUITE_VENV_SCRIPT=torch-venv.sh exec "$here/suite.sh" torch torch_suite.py "$@"
