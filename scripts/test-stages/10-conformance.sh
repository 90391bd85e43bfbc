#!/usr/bin/env bash
# ONNX backend node tests: fails on any regression against scripts/conformance-passing.txt.
exec "$(dirname "$0")/../conformance.sh" "$1"
