#!/usr/bin/env bash
# Interpreter speed against onnxruntime and onnx.reference, measured in one run (see bench/ops.py).
# Usage: bench/ops.sh [BINARY] [--runs N] [--ops [OP,...]]   BINARY defaults to .build/release/onnx-explorer
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
bin=${ONNX_EXPLORER_BIN:-$root/.build/release/onnx-explorer}
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then bin=$1; shift; fi
[ -x "$bin" ] || { echo "bench/ops.sh: no binary at $bin (swift build -c release, or pass its path)" >&2; exit 2; }
venv=$("$root/scripts/venv.sh")
exec "$venv/bin/python" -W ignore "$here/ops.py" "$bin" "$@"
