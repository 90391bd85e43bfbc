#!/usr/bin/env bash
# Shared driver of sklearn.sh, quantized.sh and torch.sh (not meant to be run directly):
#   suite.sh NAME PYTHON_FILE [OUT_DIR] [--contrib] [--rebuild] [--no-verify]
# Writes the suite once into OUT_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models/NAME,
# or $ONNX_EXPLORER_MODELS_DIR/NAME) with the models venv (scripts/models/venv.sh, or the script
# named by SUITE_VENV_SCRIPT in this folder, e.g. torch-venv.sh) and prints the
# folder as the last line. A stamp file (OUT_DIR/.stamp) records the venv's pinned packages and a
# hash of the generator sources, so a re-run with nothing changed returns at once;
# --rebuild (or ONNX_EXPLORER_MODELS_REBUILD=1) rewrites it anyway.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$1 py=$2
shift 2
out="" contrib="" rebuild=${ONNX_EXPLORER_MODELS_REBUILD:-0} verify=""
while [ $# -gt 0 ]; do
  case "$1" in
    --contrib) contrib=--contrib; shift ;;
    --rebuild) rebuild=1; shift ;;
    --no-verify) verify=--no-verify; shift ;;
    -h|--help) sed -n '2,/^set -e/p' "$here/$name.sh" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "$name.sh: unknown option $1" >&2; exit 2 ;;
    *) out=$1; shift ;;
  esac
done
out=${out:-${ONNX_EXPLORER_MODELS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/models}/$name}

venv=$("$here/${SUITE_VENV_SCRIPT:-venv.sh}")
src_hash=$(cat "$here/$py" "$here/common.py" | sha1sum | cut -c1-12)
want="$name src=$src_hash reqs=$(sha1sum < "$venv/.onnx-explorer-reqs" | cut -c1-12)${contrib:+ contrib}"
stamp="$out/.stamp"
if [ "$rebuild" != 1 ] && [ -f "$stamp" ] && [ "$(sed 's/ cases=[0-9]*$//' "$stamp")" = "$want" ]; then
  echo "$(sed 's/.* cases=\([0-9]*\)$/\1/' "$stamp") $name cases (cached)"
  echo "$out"
  exit 0
fi
# One thread everywhere: the machine is shared, and the expected values come from one thread.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
nice "$venv/bin/python" -W ignore "$here/$py" "$out" --stamp "$want" $contrib $verify >&2
echo "$(sed 's/.* cases=\([0-9]*\)$/\1/' "$stamp") $name cases written"
echo "$out"
