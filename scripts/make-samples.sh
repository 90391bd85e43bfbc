#!/usr/bin/env bash
# Regenerates samples/*.onnx (+ external_data.bin, nan_debug_input.npy) and
# Sources/Explorer/EmbeddedSample.swift with the project venv (onnx, onnxruntime, numpy).
# Each model is checked with onnx.checker and run with onnxruntime.
# Usage: scripts/make-samples.sh [--check]
#   --check  regenerate into a temporary folder and fail if anything differs from the tree
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$("$here/venv.sh")
exec "$venv/bin/python" "$here/../samples/make_samples.py" "$@"
