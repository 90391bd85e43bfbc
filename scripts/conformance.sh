#!/usr/bin/env bash
# Runs the ONNX backend node test cases through `onnx-explorer test`, checks for regressions
# against the checked-in list of passing cases and prints the pass rate.
#
# Usage: scripts/conformance.sh [--update] [BINARY]
#   BINARY     the onnx-explorer binary; default $ONNX_EXPLORER_BIN, else .build/release/onnx-explorer,
#              else .build/debug/onnx-explorer
#   --update   rewrite scripts/conformance-passing.txt with the cases passing now
#
# Exit status: 0 when every listed case still passes, 1 on any regression, 2 on setup errors.
# The case data comes from scripts/conformance-data.sh (cached outside git; first run builds it).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
list="$here/conformance-passing.txt"
update=0
bin=${ONNX_EXPLORER_BIN:-}
for arg in "$@"; do
  case "$arg" in
    --update) update=1 ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "conformance: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
if [ -z "$bin" ]; then
  for b in "$root/.build/release/onnx-explorer" "$root/.build/debug/onnx-explorer"; do
    if [ -x "$b" ]; then bin=$b; break; fi
  done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "conformance: no onnx-explorer binary (pass its path or set ONNX_EXPLORER_BIN; build with swift build -c release)" >&2
  exit 2
fi

cache=$("$here/conformance-data.sh" | tail -n 1)
[ -d "$cache/node" ] || { echo "conformance: $cache/node is missing" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
"$bin" test "$cache/node" > "$tmp/out.txt" 2> "$tmp/err.txt" || status=$?
if [ "$status" -gt 1 ]; then
  echo "conformance: $bin test failed (exit $status):" >&2
  cat "$tmp/err.txt" >&2
  exit 2
fi
summary=$(tail -n 1 "$tmp/out.txt")
sed -n 's/^PASS \(.*\)$/\1/p' "$tmp/out.txt" | LC_ALL=C sort > "$tmp/passing.txt"
total=$(grep -c -E '^(PASS|FAIL|SKIP) ' "$tmp/out.txt" || true)
passed=$(wc -l < "$tmp/passing.txt" | tr -d ' ')

touch "$list"
LC_ALL=C sort "$list" | grep -v '^$' > "$tmp/listed.txt" || true
LC_ALL=C comm -23 "$tmp/listed.txt" "$tmp/passing.txt" > "$tmp/regressed.txt"
LC_ALL=C comm -13 "$tmp/listed.txt" "$tmp/passing.txt" > "$tmp/new.txt"

if [ -s "$tmp/regressed.txt" ]; then
  echo "REGRESSIONS: $(wc -l < "$tmp/regressed.txt" | tr -d ' ') listed case(s) no longer pass:"
  while read -r name; do
    grep -E "^(FAIL|SKIP) $name(:|$)" "$tmp/out.txt" | sed 's/^/  /' || echo "  $name: not found"
  done < "$tmp/regressed.txt"
fi
if [ -s "$tmp/new.txt" ]; then
  echo "newly passing: $(wc -l < "$tmp/new.txt" | tr -d ' ') case(s):"
  sed 's/^/  /' "$tmp/new.txt"
  [ "$update" = 1 ] || echo "  (run scripts/conformance.sh --update to add them to scripts/conformance-passing.txt)"
fi
if [ "$update" = 1 ]; then
  cp "$tmp/passing.txt" "$list"
  echo "updated $list ($passed cases)"
fi
rate=$(awk -v p="$passed" -v t="$total" 'BEGIN { if (t > 0) printf "%.1f", 100 * p / t; else print "0.0" }')
echo "$summary"
echo "pass rate: $passed/$total ($rate%)"
if [ -s "$tmp/regressed.txt" ] && [ "$update" != 1 ]; then exit 1; fi
exit 0
