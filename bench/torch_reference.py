#!/usr/bin/python3
"""PyTorch reference for the speed benchmark: the same two models, trained the same way.

Run with Debian's interpreter, which has python3-torch (the `python3` on some PATHs does not):

    /usr/bin/python3 bench/torch_reference.py --model cnn

It trains one epoch (60,000 shuffled images, batch 256, Adam lr 1e-3 eps 1e-7, cross-entropy)
from Keras-style initial weights (Glorot-uniform kernels, zero biases), then evaluates the
10,000 test images in batches of 1000 (eval mode, no_grad), and prints one line per model:

    torch cnn epoch_seconds=… epoch_cpu_seconds=… eval_seconds=… images_per_second=… …

Like our engine, it keeps the images as uint8 and normalises each batch (/255) as it gathers
it, inside the timed loop, so both sides do the same work per batch.

OMP_WAIT_POLICY must be in the environment before torch is imported (libgomp reads it once),
so this script sets it from --omp-wait-policy before the import.  PASSIVE is much faster on a
2-core machine: with the default (active spinning) idle OpenMP threads spin and steal the CPU
from OpenBLAS's own threads.
"""

import argparse
import gzip
import math
import os
import resource
import sys
import time

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["mlp", "cnn", "cnn-plus", "both"], default="both")
    p.add_argument("--data", default=DEFAULT_DATA_DIR, help="directory of the four IDX .gz files")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--batch", type=int, default=0,
                   help="batch size (default 256; cnn-plus: its own recipe's 128)")
    p.add_argument("--load", metavar="FILE.safetensors",
                   help="no training: load an Atelier checkpoint of --model into the PyTorch "
                        "module (strict) and evaluate it")
    p.add_argument("--predictions", metavar="FILE.csv",
                   help="with --load: `atelier-cli eval -p` output to compare predictions with")
    p.add_argument("--epochs", type=int, default=1,
                   help="cnn-plus: epochs of its cosine schedule (default 1, for timing)")
    p.add_argument("--eval-batch", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="train on the first N images only (0: all)")
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false",
                   help="keep the CNN in NCHW (default: channels_last, faster with oneDNN)")
    p.add_argument("--omp-wait-policy", default=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"),
                   help="OMP_WAIT_POLICY set before importing torch (default PASSIVE; "
                        "'default' leaves it unset)")
    return p.parse_args()


def read_idx_gz(path, header_len):
    """The payload of an IDX file (gzip), after its header; the header's magic is checked."""
    with gzip.open(path, "rb") as f:
        data = bytearray(f.read())   # writable, so torch.from_numpy() shares it without a warning
    magic = int.from_bytes(data[0:4], "big")
    expected = 0x00000803 if header_len == 16 else 0x00000801
    if magic != expected:
        raise ValueError(f"{path}: bad IDX magic {magic:#x}")
    return np.frombuffer(data, dtype=np.uint8, offset=header_len)


def load_split(data_dir, prefix):
    images = read_idx_gz(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"), 16)
    labels = read_idx_gz(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"), 8)
    images = images.reshape(-1, 1, 28, 28)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{prefix}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def augment(torch, xb, gen, pad=2):
    """Atelier's training augmentation, vectorised: a crop of the zero-padded images at a
    random offset in [-pad, pad] both ways, then a left-right flip with probability 1/2."""
    b = xb.shape[0]
    padded = torch.nn.functional.pad(xb, (pad, pad, pad, pad))
    oy = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    ox = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    flip = torch.randint(0, 2, (b,), generator=gen).bool()
    ar = torch.arange(28)
    rows = oy[:, None] + ar[None, :]
    cols = torch.where(flip[:, None], 27 - ar[None, :], ar[None, :]) + ox[:, None]
    return padded[torch.arange(b)[:, None, None], 0, rows[:, :, None], cols[:, None, :]].unsqueeze(1)


def build_model(torch, name):
    """The preset as examples/pytorch defines it (Atelier's tensor names, Keras' init)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "examples", "pytorch"))
    from atelier_models import build_model as build   # imports torch: after the OMP setup
    return build(name)


def evaluate(torch, model, x_test, y_test, fmt, args):
    """Test accuracy in eval mode (dropout off, batch norm on its running statistics)."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, x_test.shape[0], args.eval_batch):
            xb = (x_test[start:start + args.eval_batch].float() / 255.0).contiguous(memory_format=fmt)
            pred = model(xb).argmax(dim=1)
            correct += int((pred == y_test[start:start + args.eval_batch]).sum())
    return correct / x_test.shape[0]


def read_safetensors(torch, path):
    """The tensors of a .safetensors file (F32 only, as Atelier writes them)."""
    import json
    import struct
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or name.startswith(("optimizer.", "history.")):
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {info['dtype']}")
        lo, hi = info["data_offsets"]
        array = np.frombuffer(data[lo:hi], dtype="<f4").reshape(info["shape"]).copy()
        tensors[name] = torch.from_numpy(array)
    return tensors


def check_checkpoint(torch, name, test, args):
    """Loads an Atelier checkpoint into the module (names and layouts must match exactly)
    and prints its test accuracy and, given atelier-cli's predictions, the agreement."""
    model = build_model(torch, name)
    model.load_state_dict(read_safetensors(torch, args.load), strict=True)
    model.eval()
    x_test = torch.from_numpy(test[0])
    y_test = torch.from_numpy(test[1]).long()
    with torch.no_grad():
        pred = torch.cat([model(x_test[s:s + 1000].float() / 255.0).argmax(dim=1)
                          for s in range(0, x_test.shape[0], 1000)])
    line = (f"torch {name} loaded={args.load} "
            f"test_accuracy={float((pred == y_test).float().mean()):.4f}")
    if args.predictions:
        import csv
        with open(args.predictions) as f:
            rows = [r for r in csv.reader(f) if r and r[0].isdigit()]
        ours = torch.tensor([int(r[2]) for r in rows])
        line += f" agreement={float((ours == pred[:len(ours)]).float().mean()):.5f} n={len(ours)}"
    print(line, flush=True)


def cpu_seconds():
    """User + system CPU seconds of the process (all threads): less disturbed than the wall
    clock by the other jobs on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(torch, name, train, test, args):
    torch.manual_seed(args.seed)
    model = build_model(torch, name)
    n_params = sum(p.numel() for p in model.parameters())
    channels_last = name != "mlp" and args.channels_last
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    plus = name == "cnn-plus"
    batch = args.batch or (128 if plus else 256)
    if plus:
        # Atelier's recipe: SGD lr 0.05, Nesterov momentum 0.9, weight decay 2e-4 (its L2
        # 1e-4 in Keras' meaning) on conv and dense kernels only, cosine decay per batch.
        kernels = [p for n_, p in model.named_parameters() if n_.endswith("weight") and p.dim() > 1]
        others = [p for n_, p in model.named_parameters() if not (n_.endswith("weight") and p.dim() > 1)]
        optimizer = torch.optim.SGD([{"params": kernels, "weight_decay": 2e-4},
                                     {"params": others, "weight_decay": 0.0}],
                                    lr=0.05, momentum=0.9, nesterov=True)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()

    x_train = torch.from_numpy(train[0])   # (N, 1, 28, 28) uint8
    y_train = torch.from_numpy(train[1]).long()
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    x_test = torch.from_numpy(test[0])
    y_test = torch.from_numpy(test[1]).long()
    n = x_train.shape[0]

    gen = torch.Generator().manual_seed(args.seed)
    epochs = args.epochs if plus else 1
    steps_per_epoch = (n + batch - 1) // batch
    step = 0
    for epoch in range(epochs):
        model.train()
        cpu0 = cpu_seconds()
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        n_batches = 0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb = x_train[idx].float() / 255.0
            if plus:
                xb = augment(torch, xb, gen)
                lr = 0.05 * 0.5 * (1 + math.cos(math.pi * step / (epochs * steps_per_epoch)))
                for group in optimizer.param_groups:
                    group["lr"] = lr
            xb = xb.contiguous(memory_format=fmt)
            yb = y_train[idx]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            n_batches += 1
            step += 1
        epoch_seconds = time.perf_counter() - t0
        epoch_cpu_seconds = cpu_seconds() - cpu0
        if epochs > 1:
            print(f"# epoch {epoch + 1}: {epoch_seconds:.1f} s, train loss {loss_sum / n_batches:.4f}, "
                  f"test accuracy {evaluate(torch, model, x_test, y_test, fmt, args):.4f}", flush=True)

    t0 = time.perf_counter()
    accuracy = evaluate(torch, model, x_test, y_test, fmt, args)
    eval_seconds = time.perf_counter() - t0

    print(f"torch {name} epoch_seconds={epoch_seconds:.3f} epoch_cpu_seconds={epoch_cpu_seconds:.3f} "
          f"eval_seconds={eval_seconds:.3f} "
          f"images_per_second={n / epoch_seconds:.0f} train_loss={loss_sum / n_batches:.4f} "
          f"test_accuracy={accuracy:.4f} params={n_params} batch={batch} "
          f"threads={torch.get_num_threads()} channels_last={int(channels_last)} "
          f"omp_wait_policy={os.environ.get('OMP_WAIT_POLICY', 'default')}",
          flush=True)


def main():
    args = parse_args()
    # libgomp reads these once, when torch loads it: they must precede the import.
    if args.omp_wait_policy.lower() == "default":
        os.environ.pop("OMP_WAIT_POLICY", None)
    else:
        os.environ["OMP_WAIT_POLICY"] = args.omp_wait_policy
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    try:
        import torch
    except ImportError:
        sys.exit("torch_reference.py: no torch in this interpreter; run it with /usr/bin/python3")
    torch.set_num_threads(args.threads)

    train = load_split(args.data, "train")
    test = load_split(args.data, "t10k")
    models = ["mlp", "cnn"] if args.model == "both" else [args.model]
    if args.load:
        check_checkpoint(torch, models[0], test, args)
        return
    for name in models:
        run(torch, name, train, test, args)


if __name__ == "__main__":
    main()
