#!/usr/bin/env bash
# Installs the Debian packages onnx-explorer builds and tests with (once; quick when present).
# The Swift 6.3 toolchain itself must already be on PATH.
set -euo pipefail
# The image libraries are loaded at run time by ImageDecoder (JPEG, JPEG 2000, TIFF, WebP).
pkgs=(libncurses-dev libprotobuf-c-dev protobuf-c-compiler libopenblas-dev pkg-config tmux time python3 python3-venv
      zlib1g libturbojpeg0 libopenjp2-7 libtiff6 libwebp7)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (the Swift 6.3 toolchain is needed)" >&2; exit 2; }
