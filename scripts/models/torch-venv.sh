#!/usr/bin/env bash
# Creates (once) the Python virtual environment of scripts/models/torch.sh and prints its path:
# PyTorch, torchvision, Hugging Face transformers and onnxscript (torch.onnx.export(dynamo=True)
# needs it) on top of the same onnx / onnxruntime pins as the other venvs, so expected values come
# from the same onnxruntime. PyPI's torch is the CUDA build and cannot even be imported without
# its nvidia-* wheels (scripts/models/torch-check.sh), so they are installed too although
# everything runs on the CPU: about 5.7 GB and 4 minutes. It is kept apart from the models venv
# (scripts/models/venv.sh) so the smaller suites do not pay for it.
# Override the location with ONNX_EXPLORER_TORCH_VENV. Nothing here is committed.
set -euo pipefail
venv=${ONNX_EXPLORER_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/torch-venv}
stamp="$venv/.onnx-explorer-reqs"
reqs="onnx==1.23.2 onnxruntime==1.31.1 numpy==2.4.6 torch==2.15.0 torchvision==0.29.2 transformers==5.23.0 onnxscript==0.7.2 onnx-ir==1.1.0"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$reqs" ]; then
  echo "torch-venv.sh: installing PyTorch + transformers into $venv (about 5.7 GB, several minutes)" >&2
  python3 -m venv "$venv" >&2
  nice "$venv/bin/pip" install -q --disable-pip-version-check $reqs >&2
  echo "$reqs" > "$stamp"
fi
echo "$venv"
