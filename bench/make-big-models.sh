#!/usr/bin/env bash
# Writes the big benchmark models (see bench/make_big_models.py) with the project venv.
# Usage: bench/make-big-models.sh [FOLDER] [--force] [--check]   (FOLDER defaults to
# /tmp/onnx-explorer-bench; about 730 MB of disk). Prints the folder as the last line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv=$("$here/../scripts/venv.sh")
exec "$venv/bin/python" "$here/make_big_models.py" "$@"
