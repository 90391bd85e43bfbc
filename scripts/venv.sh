#!/usr/bin/env bash
# Creates (once) the project's Python virtual environment with the pinned peers and prints its path.
# Override the location with ONNX_EXPLORER_VENV. Nothing here is committed.
set -euo pipefail
venv=${ONNX_EXPLORER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/venv}
stamp="$venv/.onnx-explorer-reqs"
reqs="onnx==1.23.2 numpy onnxruntime==1.31.1"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$reqs" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check $reqs >&2
  echo "$reqs" > "$stamp"
fi
echo "$venv"
