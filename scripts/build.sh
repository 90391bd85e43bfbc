#!/usr/bin/env bash
# Builds the release binary (static Swift stdlib: faster start, runs anywhere) and prints its path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
swift build -c release --static-swift-stdlib >&2
echo "$root/.build/release/onnx-explorer"
