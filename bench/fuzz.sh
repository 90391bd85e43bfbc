#!/usr/bin/env bash
# Fuzzes the model loader, `info` and `audit` with libFuzzer + AddressSanitizer.
#   bench/fuzz.sh [SECONDS] [extra libFuzzer flags...]     (default 600 seconds)
# Seeds: samples/*.onnx plus a few test-data .pb files; the corpus grows in
# ${ONNX_EXPLORER_FUZZ_DIR:-$HOME/.cache/onnx-explorer/fuzz}/corpus, crashes land in .../crashes.
# Every crash found becomes a regression test (Tests/OnnxModelTests/FuzzRegressionTests.swift).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-600}
shift || true
work=${ONNX_EXPLORER_FUZZ_DIR:-$HOME/.cache/onnx-explorer/fuzz}
mkdir -p "$work/corpus" "$work/crashes"
cd "$root/bench/fuzz"
swift build -c release --product OnnxFuzz --scratch-path "$work/build" \
  -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address >&2
bin="$work/build/release/OnnxFuzz"
seeds="$work/seeds"
mkdir -p "$seeds"
cp "$root"/samples/*.onnx "$seeds/"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/onnx-explorer/conformance/onnx-1.23.2/node
for c in test_add test_sequence_insert_at_back test_optional_get_element_sequence test_if_seq test_loop11 test_cast_FLOAT_to_FLOAT8E4M3FN; do
  [ -f "$cache/$c/model.onnx" ] && cp "$cache/$c/model.onnx" "$seeds/$c.onnx" || true
  for pb in "$cache/$c"/test_data_set_0/*.pb; do [ -f "$pb" ] && cp "$pb" "$seeds/${c}_$(basename "$pb")" || true; done
done
log="$work/fuzz-$(date +%Y%m%d-%H%M%S).log"
set +e
ASAN_OPTIONS=detect_leaks=1 "$bin" "$work/corpus" "$seeds" -max_total_time="$secs" -max_len=65536 -timeout=10 \
  -rss_limit_mb=4096 -artifact_prefix="$work/crashes/" -print_final_stats=1 "$@" 2>&1 | tee "$log" | grep -E "^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY|stat::" >&2
rc=${PIPESTATUS[0]}
set -e
execs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}' | tail -1)
echo "fuzz: ${execs:-?} executions in ${secs}s, exit $rc, crashes in $work/crashes: $(ls "$work/crashes" | wc -l) (log: $log)"
exit "$rc"
