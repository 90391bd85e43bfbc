#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 machine with the Swift toolchain:
#   1. installs missing Debian packages (scripts/setup.sh)
#   2. unit, snapshot and CLI tests (swift test)
#   3. `info --json` against onnx's Python loader on the samples and the onnx wheel's light models
#   4. further stages as the project grows (conformance, TUI end-to-end), each a script below
# Prints one line per stage and a last line "N passed, M failed" counting stages; exit 1 on failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh" || exit 2

passed=0
failed=0
failures=()
stage() {
  local name=$1; shift
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED"
  fi
}

# ONNX_EXPLORER_E2E=1: the tmux end-to-end test drives the real debug binary.
# swift test's log is kept so that the failing checks can be repeated at the very end, where a
# CI log cut to its last lines still shows them.
unit_log=$(mktemp)
trap 'rm -f "$unit_log"' EXIT
unit_tests() {
  swift build --build-tests || return 1
  ONNX_EXPLORER_E2E=1 swift test 2>&1 | tee "$unit_log"
  return "${PIPESTATUS[0]}"
}
unit_failures() {
  local found
  found=$(grep -a -E -A4 "recorded an issue|^✘ Test .*failed" "$unit_log" | grep -a -v -E "^(◇|✔)" | head -n 60)
  # No failed check (a crash, or the build failing): the end of the log says what happened.
  if [ -n "$found" ]; then echo "$found"; else tail -n 30 "$unit_log"; fi
}
release_build() { bin=$("$root/scripts/build.sh"); }
info_vs_onnx() {
  local venv cache
  venv=$("$root/scripts/venv.sh") || return 1
  cache=$("$root/scripts/conformance-data.sh" | tail -n 1) || return 1
  "$venv/bin/python" "$root/scripts/check_info.py" --binary "$bin" samples/*.onnx "$cache"/light/*/model.onnx
}

bin=""
stage "unit tests (swift test)" unit_tests
stage "release build" release_build
if [ -n "$bin" ]; then
  stage "info --json vs onnx" info_vs_onnx
  for extra in "$root"/scripts/test-stages/*.sh; do
    [ -e "$extra" ] || continue
    stage "$(basename "$extra" .sh)" bash "$extra" "$bin"
  done
fi

echo
if [[ " ${failures[*]} " == *" unit tests (swift test) "* ]]; then
  echo "failing unit checks:"
  unit_failures
  echo
fi
[ ${#failures[@]} -eq 0 ] || echo "failed stages: ${failures[*]}"
echo "test stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
