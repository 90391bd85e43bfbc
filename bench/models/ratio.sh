#!/usr/bin/env bash
# Speed (and peak memory) of onnx-explorer against onnxruntime on model suites, measured in the
# same run (issue 4). For every case (CASE/model.onnx + CASE/test_data_set_0/input_K.pb) under
# each SUITE folder it runs
#   BINARY bench CASE/model.onnx --runs N --json [--threads T] --input NAME=CASE/test_data_set_0/input_K.pb ...
# and onnxruntime (T threads, default 1; all graph optimizations on; same inputs; median of N
# runs after one warm-up, in a child Python process), and prints one line per case:
#   case  ours_ms  ort_ms  ratio  ours_rss_mb  ort_rss_mb  rss_ratio  [all_rss_mb  all_ratio]
# and last "geomean ratio X.XXx over K cases (peak RSS Y.YYx); F failed". A case our binary fails
# on (exit status, signal, timeout, no JSON) prints "fail: <reason>" and the run goes on.
# Peak RSS is net of each engine's baseline, loading and runs included: ours is bench's
# process_peak_rss_bytes - start_rss_bytes; onnxruntime's is the child's peak from session creation
# on minus its RSS after importing Python, numpy, onnx and onnxruntime (peak reset through
# /proc/self/clear_refs).
#
# Usage: bench/models/ratio.sh [BINARY] SUITE... [--runs N] [--threads T] [--filter REGEX]
#                              [--timeout SEC] [--json FILE] [--keep none|all|both] [--rounds R]
#   BINARY   default .build/release/onnx-explorer (this script builds nothing)
#   SUITE    e.g. the folders printed by scripts/models/sklearn.sh and scripts/models/quantized.sh,
#            or the conformance light models (scripts/conformance-data.sh)/light
#   --runs   timed runs per case and engine (default 10)
#   --rounds alternate the engines R times per case, keeping each one's lowest median (default 1;
#            on a shared machine, load from other jobs then hits both alike)
#   --json   also write every figure to FILE
#   --keep   intermediates our runs keep (bench --keep; default none); both adds a keep-all run
# Python: the project venv (scripts/venv.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ $# -gt 0 ] && { [ "$1" = -h ] || [ "$1" = --help ]; }; then
  sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
bin="$root/.build/release/onnx-explorer"
if [ $# -gt 0 ] && [ ! -d "$1" ] && [ "${1#-}" = "$1" ]; then
  bin=$1
  shift
fi
if [ ! -x "$bin" ]; then
  echo "bench/models/ratio.sh: no executable at $bin (build it first: swift build -c release)" >&2
  exit 2
fi
venv=$("$root/scripts/venv.sh")
exec "$venv/bin/python" -W ignore "$here/ratio.py" "$bin" "$@"
