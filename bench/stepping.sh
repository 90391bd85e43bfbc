#!/usr/bin/env bash
# Stepping overhead: plain runs against runs that keep every intermediate and observe every node
# (what the debugger does), per model, for samples/*.onnx and generated element-wise graphs
# (bench/make_stepping_models.py). Each model's plain and observed runs alternate in one process
# (`bench --compare-observe`); the table shows their medians and the overhead of the medians.
# With --debugger, also the full debugger engine (per-node summaries, streaming to the UI state;
# `open --bench-debug`), median against median.
# Usage: bench/stepping.sh [BINARY] [--runs N] [--rounds R] [--debugger]
#   BINARY defaults to .build/release/onnx-explorer; R rounds of N pairs, the median of the rounds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
bin=${ONNX_EXPLORER_BIN:-$root/.build/release/onnx-explorer}
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then bin=$1; shift; fi
runs=21 rounds=3 debugger=0
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --debugger) debugger=1; shift ;;
        *) echo "bench/stepping.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$bin" ] || { echo "bench/stepping.sh: no binary at $bin (swift build -c release, or pass its path)" >&2; exit 2; }
venv=$("$root/scripts/venv.sh")
gen=${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/stepping
"$venv/bin/python" "$here/make_stepping_models.py" "$gen" >/dev/null

models=()
for m in "$root"/samples/*.onnx; do models+=("$m"); done
for m in chain_1m chain_64k chain_1k loop_tiny; do models+=("$gen/$m.onnx"); done

median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

printf '%-24s %7s %12s %12s %9s' model nodes plain_ms observed_ms overhead
[ $debugger = 1 ] && printf ' %12s %9s' debugger_ms dbg_over
printf '\n'
for m in "${models[@]}"; do
    name=$(basename "$m" .onnx)
    plain=() observed=() nodes=0
    for _ in $(seq "$rounds"); do
        if ! out=$("$bin" bench "$m" --compare-observe --runs "$runs" --json 2>/dev/null); then
            printf '%-24s (does not run)\n' "$name"; continue 2
        fi
        read -r p o n < <("$venv/bin/python" -c 'import json,sys; j=json.load(sys.stdin); print(j["plain_median_ms"], j["observed_median_ms"], j["nodes_per_run"])' <<<"$out")
        plain+=("$p") observed+=("$o") nodes=$n
    done
    p=$(printf '%s\n' "${plain[@]}" | median)
    o=$(printf '%s\n' "${observed[@]}" | median)
    printf '%-24s %7s %12.4f %12.4f %8.1f%%' "$name" "$nodes" "$p" "$o" "$(awk -v p="$p" -v o="$o" 'BEGIN {print (p > 0 ? (o / p - 1) * 100 : 0)}')"
    if [ $debugger = 1 ]; then
        out=$("$bin" open "$m" --bench-debug "$runs" 2>/dev/null || true)
        dp=$(awk '$1 == "plain_median_ms" {print $2}' <<<"$out")
        dobs=$(awk '$1 == "observed_median_ms" {print $2}' <<<"$out")
        if [ -n "$dp" ] && [ -n "$dobs" ]; then
            printf ' %12.3f %8.1f%%' "$dobs" "$(awk -v p="$dp" -v o="$dobs" 'BEGIN {print (p > 0 ? (o / p - 1) * 100 : 0)}')"
        fi
    fi
    printf '\n'
done
