#!/usr/bin/env bash
# Set-up and run in one command: installs what is missing, builds, opens the explorer
# (on the embedded sample when no arguments are given). Arguments go to onnx-explorer.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
bin=$("$root/scripts/build.sh")
exec "$bin" "$@"
