#!/usr/bin/env bash
# Writes the ONNX backend node test cases (onnx==1.23.2, built in memory by
# onnx.backend.test.case.node.collect_testcases()) and the light models shipped in the onnx
# wheel out in backend-test layout, once, into a cache outside git:
#
#   <cache>/node/<case>/model.onnx + test_data_set_0/{input,output}_K.pb
#   <cache>/light/<name>/model.onnx + test_data_set_0/{input,output}_0.pb + data.json
#
# Usage: scripts/conformance-data.sh [CACHE_DIR]
#   CACHE_DIR defaults to $ONNX_EXPLORER_CONFORMANCE_DIR, else
#   ${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/conformance/onnx-1.23.2
# The last line on stdout is the cache folder. A stamp file (<cache>/.stamp) makes re-runs instant;
# set ONNX_EXPLORER_CONFORMANCE_REBUILD=1 to rewrite it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
onnx_version=1.23.2
cache=${1:-${ONNX_EXPLORER_CONFORMANCE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/conformance/onnx-$onnx_version}}
layout=$(sed -n 's/^LAYOUT_VERSION = \([0-9]*\).*/\1/p' "$here/conformance_data.py")
want="onnx==$onnx_version layout=$layout"

stamp="$cache/.stamp"
if [ "${ONNX_EXPLORER_CONFORMANCE_REBUILD:-0}" != 1 ] && [ -f "$stamp" ] \
   && [ "$(cut -d' ' -f1-2 "$stamp")" = "$want" ]; then
  n=$(sed -n 's/.* node=\([0-9]*\) light=\([0-9]*\).*/\1 node cases and \2 light models (cached)/p' "$stamp")
  echo "$n"
  echo "$cache"
  exit 0
fi

venv=$("$here/venv.sh")
"$venv/bin/python" -W ignore "$here/conformance_data.py" "$cache" >&2
got=$(cut -d' ' -f1-2 "$stamp")
if [ "$got" != "$want" ]; then
  echo "conformance-data: venv has '$got', expected '$want'" >&2
  exit 1
fi
sed -n 's/.* node=\([0-9]*\) light=\([0-9]*\).*/\1 node cases and \2 light models written/p' "$stamp"
echo "$cache"
