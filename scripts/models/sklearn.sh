#!/usr/bin/env bash
# Builds the scikit-learn model suite (issue 5): scikit-learn pipelines, LightGBM and XGBoost
# models converted to ONNX (skl2onnx, onnxmltools) plus hand-built ai.onnx.ml graphs, each as a
# case in ONNX backend-test layout with onnxruntime's outputs (one thread) as expected values:
#
#   OUT/<case>/model.onnx, OUT/<case>/test_data_set_0/{input,output}_K.pb, OUT/<case>/data.json
#   OUT/index.json   case -> op types, opset imports, inputs/outputs; op -> cases; skipped cases
#
# Usage: scripts/models/sklearn.sh [OUT] [--contrib] [--rebuild] [--no-verify]
#   OUT        default ${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models/sklearn
#   --contrib  also write the cases that need com.microsoft ops (skl2onnx's Tokenizer)
#   --rebuild  rewrite even if the stamp says it is up to date
# The last line on stdout is OUT. Then: onnx-explorer test OUT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/suite.sh" sklearn sklearn_suite.py "$@"
