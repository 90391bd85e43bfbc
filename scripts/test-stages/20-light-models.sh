#!/usr/bin/env bash
# The nine light models of the onnx wheel (AlexNet, DenseNet-121, Inception v1/v2, ResNet-50,
# ShuffleNet, SqueezeNet, VGG-19, ZFNet-512; written by scripts/conformance-data.sh) through
# `onnx-explorer test`: fails if any of them fails or fewer than nine ran.
# Usage: scripts/test-stages/20-light-models.sh [BINARY]   (default .build/release/onnx-explorer)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=${1:-$root/.build/release/onnx-explorer}
[ -x "$bin" ] || { echo "light-models: no onnx-explorer binary at $bin" >&2; exit 2; }
cache=$("$root/scripts/conformance-data.sh" | tail -n 1)
[ -d "$cache/light" ] || { echo "light-models: $cache/light is missing" >&2; exit 2; }
status=0
out=$("$bin" test "$cache/light") || status=$?
echo "$out"
[ "$status" -eq 0 ] || exit 1
# Guard against a silently smaller suite (a missing folder would otherwise pass).
[ "$(grep -c '^PASS ' <<< "$out")" -eq 9 ] || { echo "light-models: expected 9 passing models" >&2; exit 1; }
