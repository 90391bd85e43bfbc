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
# The light models build every weight with ConstantOfShape, so SqueezeNet's 1000 conv10 filters are
# identical and its logits (~1e10) must come out identical too. OpenBLAS's Haswell/Zen sgemm kernel
# rounds some output rows differently from others (1 ulp), which the softmax magnifies; on AVX-512
# CPUs the binary loads the SkylakeX kernels, which do not. Elsewhere pick a row-consistent kernel
# set for this stage (real models with distinct filters are not affected by a 1-ulp difference).
if [ -z "${ONNX_EXPLORER_OPENBLAS_CORETYPE:-}" ] && ! grep -qw avx512f /proc/cpuinfo; then
  if grep -qw avx /proc/cpuinfo; then core=Sandybridge; else core=Nehalem; fi
  echo "light-models: no AVX-512 here: OpenBLAS kernels $core for this stage (see the comment in $0)"
  export ONNX_EXPLORER_OPENBLAS_CORETYPE=$core
fi
status=0
out=$("$bin" test "$cache/light") || status=$?
echo "$out"
[ "$status" -eq 0 ] || exit 1
# Guard against a silently smaller suite (a missing folder would otherwise pass).
[ "$(grep -c '^PASS ' <<< "$out")" -eq 9 ] || { echo "light-models: expected 9 passing models" >&2; exit 1; }
