#!/usr/bin/env bash
# Creates (once) the Python virtual environment of the model-suite scripts (scripts/models/) and
# prints its path. It is separate from the project venv (scripts/venv.sh), which stays minimal:
# this one adds scikit-learn, skl2onnx, onnxmltools, LightGBM, XGBoost (CPU build) and onnx-ir
# (onnxruntime's MatMulNBitsQuantizer needs it) on top of the same onnx / onnxruntime pins, so
# expected values come from the same onnxruntime. About 450 MB, 40 s to install.
# Override the location with ONNX_EXPLORER_MODELS_VENV. Nothing here is committed.
set -euo pipefail
venv=${ONNX_EXPLORER_MODELS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models-venv}
stamp="$venv/.onnx-explorer-reqs"
reqs="onnx==1.23.2 onnxruntime==1.31.1 numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1 skl2onnx==1.20.0 onnxconverter-common==1.16.0 onnxmltools==1.16.0 lightgbm==4.7.0 xgboost-cpu==3.2.0 onnx-ir==1.1.0"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$reqs" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check $reqs >&2
  echo "$reqs" > "$stamp"
fi
echo "$venv"
