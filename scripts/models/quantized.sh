#!/usr/bin/env bash
# Builds the quantized model suite (issue 4): an MLP, a small CNN and a transformer attention block
# built with onnx.helper, each as float and quantized by onnxruntime.quantization
# (quantize_dynamic; quantize_static in QDQ and QOperator formats, per-tensor and per-channel,
# 8/16-bit activations, int4 weights; MatMulNBitsQuantizer's blocked int4 QDQ), each as a case in
# ONNX backend-test layout with onnxruntime's outputs (one thread) as expected values:
#
#   OUT/<case>/model.onnx, OUT/<case>/test_data_set_0/{input,output}_K.pb, OUT/<case>/data.json
#   OUT/index.json   case -> op types, opset imports, tolerances and how they were chosen
#
# Usage: scripts/models/quantized.sh [OUT] [--contrib] [--rebuild] [--no-verify]
#   OUT        default ${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models/quantized
#   --contrib  also write the full QOperator quantizations, which use com.microsoft ops
#              (QLinearAdd, QGemm, QLinearMul, QLinearSoftmax)
#   --rebuild  rewrite even if the stamp says it is up to date
# The last line on stdout is OUT. Then: onnx-explorer test OUT
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec "$here/suite.sh" quantized quantized_suite.py "$@"
