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
import os
import resource
import sys
import time

import numpy as np

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["mlp", "cnn", "both"], default="both")
    p.add_argument("--data", default=DEFAULT_DATA_DIR, help="directory of the four IDX .gz files")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--batch", type=int, default=256)
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


def build_model(torch, name):
    """The preset as examples/pytorch defines it (Atelier's tensor names, Keras' init)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "..", "examples", "pytorch"))
    from atelier_models import build_model as build   # imports torch: after the OMP setup
    return build(name)


def cpu_seconds():
    """User + system CPU seconds of the process (all threads): less disturbed than the wall
    clock by the other jobs on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(torch, name, train, test, args):
    torch.manual_seed(args.seed)
    model = build_model(torch, name)
    n_params = sum(p.numel() for p in model.parameters())
    channels_last = name == "cnn" and args.channels_last
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
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
    model.train()
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    order = torch.randperm(n, generator=gen)
    loss_sum = 0.0
    n_batches = 0
    for start in range(0, n, args.batch):
        idx = order[start:start + args.batch]
        xb = (x_train[idx].float() / 255.0).contiguous(memory_format=fmt)
        yb = y_train[idx]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item()
        n_batches += 1
    epoch_seconds = time.perf_counter() - t0
    epoch_cpu_seconds = cpu_seconds() - cpu0

    model.eval()
    correct = 0
    t0 = time.perf_counter()
    with torch.no_grad():
        for start in range(0, x_test.shape[0], args.eval_batch):
            xb = (x_test[start:start + args.eval_batch].float() / 255.0).contiguous(memory_format=fmt)
            pred = model(xb).argmax(dim=1)
            correct += int((pred == y_test[start:start + args.eval_batch]).sum())
    eval_seconds = time.perf_counter() - t0

    print(f"torch {name} epoch_seconds={epoch_seconds:.3f} epoch_cpu_seconds={epoch_cpu_seconds:.3f} "
          f"eval_seconds={eval_seconds:.3f} "
          f"images_per_second={n / epoch_seconds:.0f} train_loss={loss_sum / n_batches:.4f} "
          f"test_accuracy={correct / x_test.shape[0]:.4f} params={n_params} "
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
    for name in models:
        run(torch, name, train, test, args)


if __name__ == "__main__":
    main()
