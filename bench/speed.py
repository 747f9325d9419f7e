#!/usr/bin/env python3
"""Speed benchmark driver: our engine against PyTorch, one training epoch of each preset.

    bench/speed.py [--rounds 3] [--models mlp,cnn] [--threads 2] [--layer-stats-cost] [BUILD_DIR]

BUILD_DIR (default: ../builddir beside this script's folder) must already hold the built
bench/engine-speed and bench/sgemm-peak; this script builds nothing.  It needs only the
standard library; PyTorch's side runs under Debian's /usr/bin/python3 (--python to change).

It measures the sgemm peak once, then for each round and each model runs our engine and
PyTorch alternately (the order flips every round, so neither side always runs on a machine
just warmed or just disturbed by the other) and prints the medians over the rounds: seconds
per epoch of each side, the ratio ours/PyTorch, images per second, our GFLOP/s and its share
of the sgemm peak (the best of a measurement before and one after the rounds, of OpenBLAS's
cblas_sgemm and of the engine's own nn_gemm kernel, whichever is higher), evaluation seconds
of each side and our peak RSS, each against its target.

--layer-stats-cost adds, in every round, a run of our engine with the layer statistics off
(engine-speed --layer-stats 0; the normal run takes them as the app and the CLI do, at the
interval nn_layer_stats_auto_every picks for the model and batch size: at engine-speed's
batches, MLP (256) every 32nd batch, CNN (256) every 8th, cnn-plus (128) every 16th) and
prints what they cost: the medians of both, wall and CPU seconds per epoch.

Thread settings are the same for both sides and explicit: OPENBLAS_NUM_THREADS=OMP_NUM_THREADS
=--threads, OMP_WAIT_POLICY=PASSIVE (PyTorch's best on 2 cores; our engine has no OpenMP).
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are passed through untouched to BOTH sides: PyTorch's
dense layers call the very same libopenblas (Debian's libblas.so.3 alternative), so leaving
them set keeps the comparison like-for-like; its convolutions use oneDNN, which ignores them.
"""

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (model, figure) → (comparison, bound, description).  The README explains each.
TARGETS = {
    ("cnn", "ratio"): ("<=", 0.5, "CNN epoch ours/PyTorch"),
    ("mlp", "ratio"): ("<=", 0.6, "MLP epoch ours/PyTorch"),
    ("cnn-plus", "ratio"): ("<=", 0.5, "cnn-plus epoch ours/PyTorch"),
    ("cnn", "peak_fraction"): (">=", 0.5, "CNN training GFLOP/s / sgemm peak"),
    ("cnn", "eval_seconds"): ("<", 0.5, "CNN evaluation of 10,000 images, s"),
    ("cnn", "peak_rss_mb"): ("<", 400, "CNN peak RSS, MB"),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build_dir", nargs="?", default=os.path.join(HERE, "..", "builddir"))
    p.add_argument("--rounds", type=int, default=3, help="runs of each side per model (default 3)")
    p.add_argument("--models", default="mlp,cnn", help="comma-separated: mlp,cnn,cnn-plus")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--python", default="/usr/bin/python3", help="an interpreter with torch")
    p.add_argument("--skip-torch", action="store_true", help="our engine only")
    p.add_argument("--skip-ours", action="store_true", help="PyTorch only")
    p.add_argument("--log", help="append every raw result line to this file")
    p.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    p.add_argument("--layer-stats-cost", action="store_true",
                   help="also time our engine with the layer statistics off, and print their cost")
    p.add_argument("--peak1", type=float,
                   help="one thread's sgemm peak GFLOP/s, likewise (for the per-core rate)")
    p.add_argument("--peak", type=float,
                   help="sgemm peak GFLOP/s to compare with, measured earlier on a quiet machine "
                        "(default: the best measured in this run, which a busy machine lowers)")
    return p.parse_args()


def parse_line(line):
    """'ours cnn a=1 b=2' → ('ours', 'cnn', {'a': 1.0, 'b': 2.0})."""
    words = line.split()
    values = {}
    for word in words[2:]:
        key, _, value = word.partition("=")
        try:
            values[key] = float(value)
        except ValueError:
            values[key] = value
    return words[0], words[1], values


def run(cmd, env, log):
    """Runs cmd; returns its result lines (those starting with side and model) or None."""
    # The load average shows how busy the shared machine was: the figures' noise.
    load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    print(f"$ {' '.join(cmd)}   # load {load}", flush=True)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        print(f"  failed ({proc.returncode}): {proc.stderr.strip()[-400:]}", flush=True)
        return None
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(("ours ", "torch ", "sgemm "))]
    for ln in lines:
        if not ln.startswith("sgemm step="):   # per-GEMM detail: in the log only
            print("  " + ln, flush=True)
        if log:
            log.write(ln + "\n")
    return lines


def median(results, side, model, key):
    values = [r[key] for r in results.get((side, model), []) if isinstance(r.get(key), float)]
    return statistics.median(values) if values else None


def fmt(value, spec):
    if value is not None:
        return format(value, spec)
    width = spec.split(".")[0]
    return "n/a".rjust(int(width) if width.isdigit() else 0)


def main():
    args = parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    build_dir = os.path.abspath(args.build_dir)
    engine = os.path.join(build_dir, "bench", "engine-speed")
    sgemm = os.path.join(build_dir, "bench", "sgemm-peak")
    torch_script = os.path.join(HERE, "torch_reference.py")

    env = dict(os.environ)
    threads = str(args.threads)
    env.update(OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads, OMP_WAIT_POLICY="PASSIVE")
    print("# environment: " + " ".join(
        f"{k}={env[k]}" for k in sorted(env) if k.startswith(("OPENBLAS_", "OMP_"))), flush=True)
    log = open(args.log, "a") if args.log else None

    # Square-GEMM peaks by implementation: OpenBLAS's cblas_sgemm (as pinned by the
    # environment) and the engine's nn_gemm (sgemm-peak --engine: its own AVX-512 kernel where
    # the processor has one).  %peak uses the higher: the best GEMM this machine gives us.
    peaks = {"openblas": [], "engine": []}
    peaks1 = {"openblas": [], "engine": []}
    floors = {}

    def measure_peak():
        """The sgemm peaks (with --threads, and with one thread) and each model's GEMM floor;
        measured before and after the rounds, the best kept, since a busy machine can only
        make them worse.  The floor is what the model's GEMMs cost per epoch done the way the
        engine does them (nn_gemm): each thread runs single-threaded GEMMs on its own slice
        of the batch, convolutions over chunks of ~16 images (about 1 MB of unfolded input),
        so it is one thread's GEMM time for the whole batch divided by the threads."""
        if not os.path.exists(sgemm):
            print(f"# no {sgemm}: GFLOP/s will not be compared to a peak", flush=True)
            return
        for impl, flag in (("openblas", []), ("engine", ["--engine"])):
            # Squares of 1024–2048, powers of two and not (a kernel may dislike either).
            for ln in run([sgemm, *flag, "--threads", threads, "--reps", "10", "--sizes",
                           "1024,1040,1536,2000,2048"], env, log) or []:
                if ln.startswith("sgemm peak"):
                    peaks[impl].append(parse_line(ln)[2]["gflops"])
            # sgemm-peak knows the GEMM shapes of the tutorial's two presets only: cnn-plus
            # has no GEMM floor (its column reads n/a).
            for model in (m for m in models if m in ("mlp", "cnn")):
                for ln in run([sgemm, *flag, "--threads", "1", "--reps", "10", "--sizes", "1024",
                               "--chunk", "16", "--model", model], env, log) or []:
                    if ln.startswith("sgemm peak"):
                        peaks1[impl].append(parse_line(ln)[2]["gflops"])
                    elif ln.startswith("sgemm model=") and impl == "engine":
                        floor = parse_line(ln)[2]["gemm_seconds_per_epoch"] / args.threads
                        floors[model] = min(floor, floors.get(model, floor))

    measure_peak()

    have_ours = not args.skip_ours and os.path.exists(engine)
    if not args.skip_ours and not have_ours:
        print(f"# no {engine}: PyTorch only", flush=True)

    results = {}
    for rnd in range(args.rounds):
        for model in models:
            cmds = []
            if have_ours:
                cmds.append(("ours", [engine, "--threads", threads, model]))
                if args.layer_stats_cost:
                    cmds.append(("ours-no-stats",
                                 [engine, "--threads", threads, "--layer-stats", "0", model]))
            if not args.skip_torch:
                cmds.append((None, [args.python, torch_script, "--model", model,
                                    "--threads", threads]))
            if rnd % 2 == 1:
                cmds.reverse()
            for label, cmd in cmds:
                for ln in run(cmd, env, log) or []:
                    side, m, values = parse_line(ln)
                    results.setdefault((label or side, m), []).append(values)
    measure_peak()
    best = {impl: max(v) if v else None for impl, v in peaks.items()}
    peak = args.peak or max((v for v in best.values() if v), default=None)
    peak1 = args.peak1 or max((max(v) for v in peaks1.values() if v), default=None)
    if log:
        log.close()

    print(f"\n# medians over {args.rounds} round(s), {threads} threads"
          + (f", sgemm peak {peak:.1f} GFLOP/s" if peak else "")
          + (" (given)" if args.peak else "")
          + "; measured: " + ", ".join(f"{impl} {fmt(v, '.1f')}" for impl, v in best.items()))
    print(f"{'model':5} {'ours s/epoch':>12} {'torch s/epoch':>13} {'ratio':>6} "
          f"{'ours img/s':>10} {'torch img/s':>11} {'GFLOP/s':>8} {'%peak':>6} "
          f"{'ours eval s':>11} {'torch eval s':>12} {'RSS MB':>7} {'GEMM floor s':>12}")
    figures = {}
    for model in models:
        ours = median(results, "ours", model, "epoch_seconds")
        torch = median(results, "torch", model, "epoch_seconds")
        gflops = median(results, "ours", model, "gflops")
        f = {
            "ratio": ours / torch if ours and torch else None,
            "peak_fraction": gflops / peak if gflops and peak else None,
            "eval_seconds": median(results, "ours", model, "eval_seconds"),
            "peak_rss_mb": median(results, "ours", model, "peak_rss_mb"),
        }
        figures[model] = f
        print(f"{model:5} {fmt(ours, '12.2f')} {fmt(torch, '13.2f')} {fmt(f['ratio'], '6.2f')} "
              f"{fmt(median(results, 'ours', model, 'images_per_second'), '10.0f')} "
              f"{fmt(median(results, 'torch', model, 'images_per_second'), '11.0f')} "
              f"{fmt(gflops, '8.1f')} "
              f"{fmt(f['peak_fraction'] * 100 if f['peak_fraction'] else None, '5.0f')}% "
              f"{fmt(f['eval_seconds'], '11.3f')} "
              f"{fmt(median(results, 'torch', model, 'eval_seconds'), '12.3f')} "
              f"{fmt(f['peak_rss_mb'], '7.0f')} {fmt(floors.get(model), '12.2f')}")

    print("\n# CPU seconds (user + system, all threads) per epoch: the work done, which the"
          " other jobs on the machine disturb less than the wall clock")
    for model in models:
        ours = median(results, "ours", model, "epoch_cpu_seconds")
        torch = median(results, "torch", model, "epoch_cpu_seconds")
        # GFLOP per CPU-second: our rate per busy core, to compare with a 1-thread sgemm peak.
        for r in results.get(("ours", model), []):
            if r.get("epoch_cpu_seconds"):
                r["gflop_per_cpu_second"] = r["gflops"] * r["epoch_seconds"] / r["epoch_cpu_seconds"]
        per_core = median(results, "ours", model, "gflop_per_cpu_second")
        share = f" = {per_core / peak1 * 100:.0f} % of one thread's sgemm peak" \
            if per_core and peak1 else ""
        print(f"{model:5} ours {fmt(ours, '8.2f')}  torch {fmt(torch, '8.2f')}  ratio "
              f"{fmt(ours / torch if ours and torch else None, '5.2f')}  "
              f"ours GFLOP per CPU-second {fmt(per_core, '6.1f')}{share}")

    if args.layer_stats_cost and have_ours:
        print("\n# layer statistics (at the app's and the CLI's interval for each model): "
              "seconds per epoch with them and without, medians")
        for model in models:
            row = []
            for key, what in (("epoch_seconds", "wall"), ("epoch_cpu_seconds", "CPU")):
                on = median(results, "ours", model, key)
                off = median(results, "ours-no-stats", model, key)
                cost = (on / off - 1) * 100 if on and off else None
                row.append(f"{what} {fmt(on, '.3f')} vs {fmt(off, '.3f')} "
                           f"(cost {fmt(cost, '+.1f')} %)")
            print(f"{model:8} " + "; ".join(row))

    print("\n# targets")
    missed = 0
    for (model, key), (op, bound, what) in TARGETS.items():
        if model not in figures:
            continue
        value = figures[model][key]
        if value is None:
            verdict = "not measured"
        else:
            ok = {"<=": value <= bound, ">=": value >= bound, "<": value < bound}[op]
            verdict = "met" if ok else "MISSED"
            missed += not ok
        print(f"{what:38} {fmt(value, '8.3f')} (target {op} {bound}): {verdict}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
