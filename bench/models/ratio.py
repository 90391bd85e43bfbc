#!/usr/bin/env python3
"""Times every case of one or more model suites (ONNX backend-test layout) with
`onnx-explorer bench` and with onnxruntime in the same run, and prints one line per case:

  case  ours_ms  ort_ms  ratio  ours_rss_mb  ort_rss_mb  rss_ratio  [all_rss_mb  all_ratio]

then the geometric mean of the time ratios (and of the peak-RSS ratios) over the cases that both
ran. Run through bench/models/ratio.sh (project venv: onnx, onnxruntime, numpy).

Peak memory is compared net of each engine's runtime baseline, loading and runs included:
  ours_rss_mb  process_peak_rss_bytes - start_rss_bytes of `bench` (the process before it loads
               the model: Swift runtime, OpenBLAS, the binary's resident pages)
  ort_rss_mb   the child's peak RSS from InferenceSession creation on (VmHWM reset through
               /proc/self/clear_refs after `import onnxruntime` and reading the inputs) minus its
               RSS at that point (Python, numpy, onnx, the onnxruntime library)
  rss_ratio    ours_rss_mb / ort_rss_mb
With --keep all (or both), ours runs with every intermediate kept (`bench --keep all`).

Ours:  BINARY bench CASE/model.onnx --runs N --json [--threads T] --input NAME=CASE/test_data_set_0/input_K.pb ...
       [--keep MODE] (NAME: the K-th graph input that is not an initializer), reading median_ms
       and the RSS figures from its JSON. A failure (exit status, timeout, no JSON) prints
       "fail: <reason>" for that case and the run goes on.
ORT:   a child Python process per case: onnxruntime with intra/inter-op threads = T (default 1),
       sequential execution, ORT_ENABLE_ALL, the same inputs; one warm-up run, then N timed runs,
       median; peak RSS as above (the Python baseline, about 60-80 MB, is subtracted; where the
       peak cannot be reset, ru_maxrss minus that baseline). The child takes the input names and
       types from the session, and this process reads the models' input lists in another child,
       so no process's figure includes a model parse.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import re
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "models"))


def case_dirs(root: str) -> list[str]:
    """Every folder under root holding model.onnx and test_data_set_0 (root itself included)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if "model.onnx" in filenames and os.path.isdir(os.path.join(dirpath, "test_data_set_0")):
            found.append(dirpath)
            dirnames[:] = []
    return found


def feeds_of(case: str):
    """[(graph input name, input_K.pb path, TypeProto)] for test_data_set_0."""
    import onnx

    model = onnx.load(os.path.join(case, "model.onnx"), load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    ins = [x for x in model.graph.input if x.name not in inits]
    data = os.path.join(case, "test_data_set_0")
    files = sorted(glob.glob(os.path.join(data, "input_*.pb")),
                   key=lambda p: int(re.search(r"input_(\d+)\.pb$", p).group(1)))
    if len(files) > len(ins):
        raise ValueError(f"{len(files)} input files for {len(ins)} graph inputs")
    return [(ins[k].name, f, ins[k].type) for k, f in enumerate(files)]


def feeds_in_child(case: str, timeout: float):
    """feeds_of run in a short-lived child process. Loading a model with embedded weights in this
    process would raise its peak RSS, and Linux hands that down to every later child as the floor
    of its ru_maxrss (exec records the old address space's high-water mark), so both engines'
    figures would show the largest model read so far."""
    p = subprocess.run([sys.executable, "-W", "ignore", os.path.abspath(__file__), "--feeds-child", case],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        lines = [l for l in p.stderr.strip().splitlines() if l.strip()]
        raise ValueError(lines[-1] if lines else f"exit {p.returncode}")
    return [(name, path, None) for name, path in json.loads(p.stdout.strip().splitlines()[-1])]


def session_feeds(sess, case: str):
    """Feeds for test_data_set_0 from onnxruntime's view of the graph inputs, so the child does not
    parse the model a second time with onnx (its weights would count in the child's peak RSS)."""
    import onnx
    from common import load_value

    files = sorted(glob.glob(os.path.join(case, "test_data_set_0", "input_*.pb")),
                   key=lambda p: int(re.search(r"input_(\d+)\.pb$", p).group(1)))
    ins = sess.get_inputs()
    if len(files) > len(ins):
        raise ValueError(f"{len(files)} input files for {len(ins)} graph inputs")
    feeds = {}
    for x, path in zip(ins, files):
        tp = onnx.TypeProto()
        if x.type.startswith("seq("):
            tp.sequence_type.SetInParent()
        elif x.type.startswith("map("):
            tp.map_type.SetInParent()
        else:
            tp.tensor_type.SetInParent()
        feeds[x.name] = load_value(path, tp)
    return feeds


def run_ours(binary: str, case: str, feeds, runs: int, threads: int | None, timeout: float, keep: str = "none"):
    cmd = [binary, "bench", os.path.join(case, "model.onnx"), "--runs", str(runs), "--json"]
    if keep != "none":
        cmd += ["--keep", keep]
    if threads:
        cmd += ["--threads", str(threads)]
    for name, path, _ in feeds:
        cmd += ["--input", f"{name}={path}"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:g} s"
    except OSError as e:
        return None, f"cannot start {binary}: {e.strerror}"
    if p.returncode != 0:
        lines = [l.strip() for l in (p.stderr or p.stdout).strip().splitlines() if l.strip()]
        errs = [l for l in lines if "error" in l.lower()]
        why = (errs or lines or [""])[0][:300]
        if p.returncode < 0:
            return None, f"killed by signal {-p.returncode}" + (f" ({why})" if why else "")
        return None, f"exit {p.returncode}" + (f": {why}" if why else "")
    out = p.stdout.strip()
    try:
        data = json.loads(out[out.index("{"):]) if "{" in out else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or "median_ms" not in data:
        return None, "no JSON with median_ms on stdout"
    return data, ""


def run_ort(case: str, runs: int, threads: int, timeout: float):
    cmd = [sys.executable, "-W", "ignore", os.path.abspath(__file__), "--ort-child", case,
           "--runs", str(runs), "--threads", str(threads)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout:g} s"
    if p.returncode != 0:
        lines = [l for l in p.stderr.strip().splitlines() if l.strip()]
        return None, (lines[-1] if lines else f"exit {p.returncode}")[:300]
    return json.loads(p.stdout.strip().splitlines()[-1]), ""


def status_kb(key: str) -> int | None:
    """A "VmRSS:  123 kB" field of /proc/self/status, in bytes."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def reset_peak() -> bool:
    """Resets VmHWM to the current RSS (Linux 4.0+); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    hwm, rss = status_kb("VmHWM:"), status_kb("VmRSS:")
    return hwm is not None and rss is not None and hwm <= rss + 65536


def ort_child(case: str, runs: int, threads: int) -> int:
    import gc

    import numpy as np
    import onnxruntime as ort

    import onnx  # noqa: F401  (session_feeds: part of the baseline, like numpy)
    from common import load_value  # noqa: F401

    gc.collect()
    # Baseline: Python, numpy, onnx and the onnxruntime library, before the session exists.
    reset = reset_peak()
    base = status_kb("VmRSS:") or 0
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    sess = ort.InferenceSession(os.path.join(case, "model.onnx"), opts, providers=["CPUExecutionProvider"])
    feeds = session_feeds(sess, case)
    sess.run(None, feeds)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        sess.run(None, feeds)
        times.append((time.perf_counter() - t0) * 1e3)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak = (status_kb("VmHWM:") or rss) if reset else rss
    print(json.dumps({"runs": runs, "median_ms": float(np.median(times)), "min_ms": min(times),
                      "max_ms": max(times), "peak_rss_bytes": rss, "session_peak_rss_bytes": peak,
                      "base_rss_bytes": base, "net_rss_bytes": max(peak - base, 0),
                      "peak_scope": "session" if reset else "process"}))
    return 0


def net_ours(data) -> int | None:
    """Our peak RSS net of the process's own baseline (older binaries: the raw peak)."""
    if not isinstance(data, dict):
        return None
    if "process_peak_rss_bytes" in data and "start_rss_bytes" in data:
        return max(data["process_peak_rss_bytes"] - data["start_rss_bytes"], 0)
    return data.get("peak_rss_bytes")


def geomean(xs):
    xs = [x for x in xs if x > 0 and math.isfinite(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the onnx-explorer executable")
    ap.add_argument("suites", nargs="+", help="suite folders (or single case folders)")
    ap.add_argument("--runs", type=int, default=10, help="timed runs per case and engine (default 10)")
    ap.add_argument("--threads", type=int, default=1, help="threads for both engines (default 1)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="alternate the two engines this many times per case and keep each one's lowest "
                         "median (load from other jobs on a shared machine hits both alike; default 1)")
    ap.add_argument("--filter", default="", help="only cases whose name matches this regex")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per case and engine (default 600)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    ap.add_argument("--keep", choices=["none", "all", "both"], default="none",
                    help="intermediates our runs keep (bench --keep); both: also a keep-all run for memory")
    args = ap.parse_args()

    cases = []
    for s in args.suites:
        if not os.path.isdir(s):
            print(f"ratio: {s}: not a folder", file=sys.stderr)
            return 2
        cases += [(s, c) for c in case_dirs(s)]
    if args.filter:
        rx = re.compile(args.filter)
        cases = [(s, c) for s, c in cases if rx.search(os.path.relpath(c, s))]
    if not cases:
        print("ratio: no cases (CASE/model.onnx + CASE/test_data_set_0) found", file=sys.stderr)
        return 2

    names = [os.path.relpath(c, s) if os.path.relpath(c, s) != "." else os.path.basename(c) for s, c in cases]
    width = max(24, max(len(n) for n in names))
    threads_opt = args.threads if args.threads != 1 else None   # ours: default is one thread
    rounds = f", lowest of {args.rounds} alternating rounds" if args.rounds > 1 else ""
    print(f"# onnx-explorer bench vs onnxruntime {args.threads} thread(s), median of {args.runs} runs{rounds}", flush=True)
    keep = "all" if args.keep == "all" else "none"
    extra = f" {'all_rss_mb':>11} {'all_ratio':>9}" if args.keep == "both" else ""
    print(f"# peak RSS net of each engine's baseline (ours: keep {keep}); see --help", flush=True)
    print(f"{'case':<{width}} {'ours_ms':>10} {'ort_ms':>10} {'ratio':>8} {'ours_rss_mb':>12} {'ort_rss_mb':>11} {'rss_ratio':>9}{extra}", flush=True)
    results = []
    for name, (_, case) in zip(names, cases):
        row = {"case": name}
        try:
            feeds = feeds_in_child(case, args.timeout)
        except Exception as e:
            row["error"] = f"cannot read the case: {e}"
            print(f"{name:<{width}} fail: {row['error']}", flush=True)
            results.append(row)
            continue
        ours, theirs, why, why_ort = None, None, "", ""
        for _ in range(max(args.rounds, 1)):
            o, why = run_ours(args.binary, case, feeds, args.runs, threads_opt, args.timeout, keep)
            if not o:
                ours = None
                break
            if ours is None or o["median_ms"] < ours["median_ms"]:
                ours = o
            t, why_ort = run_ort(case, args.runs, args.threads, args.timeout)
            if t and (theirs is None or t["median_ms"] < theirs["median_ms"]):
                theirs = t
        kept = None
        if ours and args.keep == "both":
            kept, _ = run_ours(args.binary, case, feeds, 1, threads_opt, args.timeout, "all")
            if kept:
                row["ours_keep_all"] = kept
        if ours is None and theirs is None:
            theirs, why_ort = run_ort(case, args.runs, args.threads, args.timeout)
        if theirs:
            row["ort"] = theirs
        if ours:
            row["ours"] = ours
        if not ours:
            row["error"] = why
            ort_txt = f"{theirs['median_ms']:10.3f}" if theirs else f"{'-':>10}"
            print(f"{name:<{width}} {'-':>10} {ort_txt} fail: {why}", flush=True)
        elif not theirs:
            row["error"] = f"onnxruntime: {why_ort}"
            print(f"{name:<{width}} {ours['median_ms']:10.3f} {'-':>10} fail: onnxruntime: {why_ort}", flush=True)
        else:
            ratio = ours["median_ms"] / theirs["median_ms"] if theirs["median_ms"] > 0 else float("inf")
            rss_o = net_ours(ours)
            rss_t = theirs.get("net_rss_bytes", theirs.get("peak_rss_bytes"))
            row["ratio"] = ratio
            if rss_o and rss_t:
                row["rss_ratio"] = rss_o / rss_t
            rss_o_txt = f"{rss_o / 2**20:12.1f}" if rss_o else f"{'-':>12}"
            rr_txt = f"{rss_o / rss_t:8.2f}x" if rss_o and rss_t else f"{'-':>9}"
            more = ""
            if args.keep == "both":
                rss_a = net_ours(kept) if kept else None
                if rss_a and rss_t:
                    row["all_rss_ratio"] = rss_a / rss_t
                more = (f" {rss_a / 2**20:11.1f} {rss_a / rss_t:8.2f}x" if rss_a and rss_t else f" {'-':>11} {'-':>9}")
            print(f"{name:<{width}} {ours['median_ms']:10.3f} {theirs['median_ms']:10.3f} {ratio:7.2f}x "
                  f"{rss_o_txt} {rss_t / 2**20:11.1f} {rr_txt}{more}", flush=True)
        results.append(row)

    ok = [r for r in results if "ratio" in r]
    failed = len(results) - len(ok)
    g = geomean([r["ratio"] for r in ok])
    gr = geomean([r["rss_ratio"] for r in ok if "rss_ratio" in r])
    summary = {"cases": len(results), "compared": len(ok), "failed": failed, "geomean_ratio": g,
               "geomean_rss_ratio": gr, "runs": args.runs, "threads": args.threads,
               "rounds": args.rounds}
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": summary, "results": results}, f, indent=1)
            f.write("\n")
    if ok:
        print(f"geomean ratio {g:.2f}x over {len(ok)} cases (peak RSS {gr:.2f}x); {failed} failed", flush=True)
    else:
        print(f"geomean ratio n/a: 0 of {len(results)} cases compared; {failed} failed", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--feeds-child":
        print(json.dumps([[name, path] for name, path, _ in feeds_of(sys.argv[2])]))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--ort-child":
        ap = argparse.ArgumentParser()
        ap.add_argument("--ort-child", dest="case")
        ap.add_argument("--runs", type=int, default=10)
        ap.add_argument("--threads", type=int, default=1)
        a = ap.parse_args()
        sys.exit(ort_child(a.case, a.runs, a.threads))
    sys.exit(main())
