#!/usr/bin/env bash
# Checks (only checks) whether PyTorch CPU and Hugging Face transformers are usable here to build
# the exported-model suite of issue 4 (BERT / GPT-2 / ViT from configs with random weights, no
# downloads of weights), and prints the facts:
#   1. what `pip install torch transformers onnxscript` resolves to on PyPI and how big it is
#      (sizes from the wheel URLs' Content-Length; nothing is downloaded in this step);
#   2. whether PyTorch's own CPU-only index (download.pytorch.org/whl/cpu) is reachable;
#   3. unless --resolve-only: a lean install into a throwaway venv: torch with --no-deps plus only
#      its non-GPU requirements (the PyPI wheel is the CUDA build; its nvidia-*, cuda-* and triton
#      requirements are skipped), transformers, onnxscript, onnx==1.23.2, onnxruntime==1.31.1;
#      download+install time and venv size; then scripts/models/torch_check.py builds the three
#      models, exports each with torch.onnx.export (dynamo and TorchScript exporters) and compares
#      onnxruntime with PyTorch.
#   --full   install with every CUDA dependency instead (about 3 GB of wheels)
#   --keep   keep the venv (default: deleted at the end, it is about 1.5 GB or more)
#   --dir D  venv location (default ${TMPDIR:-/tmp}/oe-torch-check)
#
# Findings on these machines (2026-11-21, torch 2.15.0, transformers 5.23.0, onnxscript 0.7.2):
#   - PyPI's torch is the CUDA 13 build (539 MB wheel); with transformers and onnxscript the
#     resolution is 62 packages / 3057 MB of wheels, 2451 MB of them GPU-only; download.pytorch.org
#     (CPU-only wheels) is not reachable.
#   - lean mode: 155 s, 1.7 GB venv, but `import torch` fails (libcudart.so.13 / libcublasLt
#     missing): the CUDA build cannot run without its nvidia-* wheels.
#   - --full: 200-245 s download + install, 5.7 GB venv; torch runs on the CPU; BERT, GPT-2 and
#     ViT (2 layers, hidden 128) export with torch.onnx.export(dynamo=True) in 3.5-5.5 s each
#     and onnxruntime matches PyTorch within 4e-6; the TorchScript exporter (dynamo=False) works
#     for ViT but fails for BERT/GPT-2 ("forward() got multiple values for argument 'use_cache'").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${TMPDIR:-/tmp}/oe-torch-check
mode=lean keep=0 resolve_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) mode=full; shift ;;
    --keep) keep=1; shift ;;
    --resolve-only) resolve_only=1; shift ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "torch-check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$dir"; fi; }
trap cleanup EXIT

rm -rf "$dir"
python3 -m venv "$dir"
"$dir/bin/pip" install -q --disable-pip-version-check --upgrade pip >/dev/null
pip="$dir/bin/pip --disable-pip-version-check"

echo "== 1. PyPI resolution of: torch transformers onnxscript"
t0=$(date +%s)
$pip install -q --dry-run --ignore-installed --report "$dir/report.json" torch transformers onnxscript >/dev/null
echo "resolved in $(( $(date +%s) - t0 )) s"
"$dir/bin/python" - "$dir/report.json" <<'EOF'
import json, subprocess, sys
r = json.load(open(sys.argv[1]))
rows, total, gpu = [], 0, 0
for i in r["install"]:
    url = i["download_info"]["url"]
    head = subprocess.run(["curl", "-sIL", "--max-time", "20", url], capture_output=True, text=True).stdout
    size = 0
    for line in head.splitlines():
        if line.lower().startswith("content-length:"):
            size = int(line.split()[1])
    name = i["metadata"]["name"]
    total += size
    if name.startswith(("nvidia-", "cuda-", "triton")):
        gpu += size
    rows.append((size, name, i["metadata"]["version"], url.rsplit("/", 1)[-1]))
rows.sort(reverse=True)
torch = next(r for r in rows if r[1] == "torch")
print(f"{len(rows)} packages, {total / 1e6:.0f} MB of wheels; GPU-only (nvidia-*, cuda-*, triton): "
      f"{sum(1 for r in rows if r[1].startswith(('nvidia-', 'cuda-', 'triton')))} packages, {gpu / 1e6:.0f} MB")
print(f"torch {torch[2]}: {torch[3]}, {torch[0] / 1e6:.0f} MB (the CUDA build: PyPI has no CPU-only Linux wheel)")
for size, name, version, _ in rows[:10]:
    print(f"  {size / 1e6:8.1f} MB  {name} {version}")
EOF

echo "== 2. PyTorch's CPU-only index"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 https://download.pytorch.org/whl/cpu/torch/ || true)
if [ "$code" = 200 ]; then
  echo "download.pytorch.org/whl/cpu reachable (CPU wheels ~200 MB could be used instead)"
else
  echo "download.pytorch.org/whl/cpu NOT reachable (HTTP code '$code'): only PyPI's CUDA build is available"
fi
[ "$resolve_only" = 1 ] && exit 0

echo "== 3. install ($mode) into $dir"
t0=$(date +%s)
if [ "$mode" = full ]; then
  nice $pip install -q torch transformers onnxscript onnx==1.23.2 onnxruntime==1.31.1
else
  reqs=$("$dir/bin/python" - "$dir/report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
t = next(i for i in r["install"] if i["metadata"]["name"] == "torch")
print(" ".join(f"'{d}'" for d in t["metadata"]["requires_dist"]
               if "extra ==" not in d and not d.startswith(("nvidia-", "cuda-", "triton"))))
EOF
)
  torch_ver=$("$dir/bin/python" -c "import json,sys; r=json.load(open('$dir/report.json')); print(next(i['metadata']['version'] for i in r['install'] if i['metadata']['name']=='torch'))")
  nice $pip install -q --no-deps "torch==$torch_ver"
  eval nice $pip install -q $reqs transformers onnxscript onnx==1.23.2 onnxruntime==1.31.1
fi
echo "download + install: $(( $(date +%s) - t0 )) s; venv size $(du -sh "$dir" | cut -f1)"
$pip list 2>/dev/null | grep -iE '^(torch|transformers|onnx|onnxscript|onnxruntime|nvidia-cudnn|triton) ' || true

echo "== 4. build BERT / GPT-2 / ViT from configs, export, compare with onnxruntime"
set +e
OMP_NUM_THREADS=1 nice "$dir/bin/python" "$here/torch_check.py"
rc=$?
set -e
[ "$keep" = 0 ] && echo "(removing $dir)"
exit $rc
