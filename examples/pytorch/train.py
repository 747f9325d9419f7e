#!/usr/bin/python3
"""Train one of Atelier's presets with PyTorch DistributedDataParallel, writing a run
directory Atelier can follow live (`atelier --follow DIR`, `atelier-cli eval --follow DIR`).

    torchrun --nproc_per_node=2 examples/pytorch/train.py --model cnn \\
        --data /usr/share/datasets/fashion-mnist --out runs/cnn --epochs 10

Runs under torchrun with any number of processes (gloo on CPU, NCCL when every process has
a GPU), or alone as a plain script (one process, no DDP).  The layers, Keras-style
initialisation (Glorot-uniform kernels, zero biases) and Adam (lr 1e-3, eps 1e-7) are
Atelier's.  --batch-size is the global batch: each of the N processes takes batch/N of it.

Rank 0 writes, in --out:
  metrics.csv           one row per epoch, appended and fsynced: Atelier's columns
                        (epoch,seconds,train_loss,train_accuracy,val_loss,val_accuracy,
                        test_loss,test_accuracy,learning_rate) then extra ones (step,
                        images_per_second,world_size), which Atelier ignores.
  epoch-N.safetensors   the weights after epoch N, PyTorch names (conv1.weight …),
                        metadata {"format": "pt"}, written to a temporary dot-name in the
                        same directory, fsynced and renamed: a follower never sees half.
"""

import argparse
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atelier_data import load_split          # noqa: E402
from atelier_models import PRESETS, build_model, save_atomically   # noqa: E402

COLUMNS = ("epoch,seconds,train_loss,train_accuracy,val_loss,val_accuracy,test_loss,"
           "test_accuracy,learning_rate,step,images_per_second,world_size")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=PRESETS, default="cnn")
    p.add_argument("--data", default=os.environ.get("ATELIER_DATA_DIR")
                   or "/usr/share/datasets/fashion-mnist",
                   help="directory of the IDX files (.gz or not) or Kaggle's two CSVs")
    p.add_argument("--out", required=True, help="run directory (created)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=128, help="global batch size")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--validation-split", type=float, default=0.0,
                   help="fraction of the training images held out for validation")
    p.add_argument("--limit", type=int, default=0, help="train on the first N images (0: all)")
    p.add_argument("--max-batches", type=int, default=0,
                   help="stop each epoch after N batches (0: the whole epoch); for quick runs")
    p.add_argument("--threads", type=int, default=0,
                   help="torch threads per process (0: leave torch's default)")
    return p.parse_args()


def setup():
    """(rank, world, device); joins the process group when started by torchrun."""
    if "RANK" not in os.environ:
        return 0, 1, torch.device("cpu")
    cuda = torch.cuda.is_available() and torch.cuda.device_count() >= int(os.environ["LOCAL_WORLD_SIZE"])
    dist.init_process_group(backend="nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cpu")
    if cuda:
        device = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
        torch.cuda.set_device(device)
    return rank, world, device


def all_sum(values, world, device):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(t)
    return t.tolist()


def evaluate(model, images, labels, device, batch=1000):
    """(mean loss, accuracy) with dropout off."""
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, images.shape[0], batch):
            x = images[start:start + batch].to(device).float() / 255.0
            y = labels[start:start + batch].to(device)
            logits = model(x)
            loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
    model.train()
    n = max(images.shape[0], 1)
    return loss_sum / n, correct / n


def fmt(value):
    return "" if value is None or not math.isfinite(value) else f"{value:.6f}"


def append_metrics(path, row):
    new = not os.path.exists(path)
    with open(path, "a") as f:
        if new:
            f.write(COLUMNS + "\n")
        f.write(row + "\n")
        f.flush()
        os.fsync(f.fileno())


def train_epoch(ddp, opt, x_train, y_train, epoch, args, rank, world, device):
    """One epoch over this rank's shard; (loss sum, correct, images, batches) of this rank."""
    n = x_train.shape[0]
    order = torch.randperm(n, generator=torch.Generator().manual_seed(args.seed * 1000 + epoch))
    # Every rank gets the same number of images (DistributedSampler's padding), so every
    # rank runs the same number of steps and DDP's all-reduces pair up.
    per_rank = math.ceil(n / world)
    order = torch.cat([order, order[:per_rank * world - n]])[rank::world]
    local_batch = max(args.batch_size // world, 1)
    loss_sum, correct, seen, batches = 0.0, 0, 0, 0
    for start in range(0, per_rank, local_batch):
        if args.max_batches and batches >= args.max_batches:
            break
        idx = order[start:start + local_batch]
        x = x_train[idx].to(device).float() / 255.0
        y = y_train[idx].to(device)
        opt.zero_grad(set_to_none=True)
        logits = ddp(x)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        opt.step()
        loss_sum += loss.item() * len(idx)
        correct += (logits.argmax(1) == y).sum().item()
        seen += len(idx)
        batches += 1
    return loss_sum, correct, seen, batches


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rank, world, device = setup()
    torch.manual_seed(args.seed)              # the same initial weights on every rank

    # writable copies: torch warns about tensors over read-only numpy buffers
    x_train, y_train = (torch.from_numpy(a.copy()) for a in load_split(args.data, "train"))
    x_test, y_test = (torch.from_numpy(a.copy()) for a in load_split(args.data, "test"))
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    n_val = int(x_train.shape[0] * args.validation_split)
    x_val, y_val = x_train[x_train.shape[0] - n_val:], y_train[y_train.shape[0] - n_val:]
    x_train, y_train = x_train[:x_train.shape[0] - n_val], y_train[:y_train.shape[0] - n_val]

    model = build_model(args.model).to(device)
    ddp = model
    if world > 1:
        ddp = torch.nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    opt = torch.optim.Adam(ddp.parameters(), lr=args.lr, eps=1e-7)
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
        print(f"training {args.model} on {x_train.shape[0]} images, {world} process(es), "
              f"{device.type}; run directory {args.out}", flush=True)

    step = 0
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        local = train_epoch(ddp, opt, x_train, y_train, epoch, args, rank, world, device)
        loss_sum, correct, seen, batches = all_sum(list(local), world, device)
        seconds = time.perf_counter() - t0
        step += int(batches / world)
        if rank == 0:
            val = evaluate(model, x_val, y_val, device) if n_val else (None, None)
            test = evaluate(model, x_test, y_test, device)
            path = os.path.join(args.out, f"epoch-{epoch}.safetensors")
            weights = {k: v.detach().cpu() for k, v in model.state_dict().items()}
            save_atomically(weights, path, {"format": "pt", "epoch": str(epoch),
                                            "preset": args.model})
            row = ",".join([str(epoch), f"{seconds:.3f}", fmt(loss_sum / max(seen, 1)),
                            fmt(correct / max(seen, 1)), fmt(val[0]), fmt(val[1]),
                            fmt(test[0]), fmt(test[1]), f"{args.lr:.6g}", str(step),
                            f"{seen / max(seconds, 1e-9):.1f}", str(world)])
            append_metrics(os.path.join(args.out, "metrics.csv"), row)
            print(f"epoch {epoch}: train loss {loss_sum / max(seen, 1):.4f}, "
                  f"test loss {test[0]:.4f}, test accuracy {test[1]:.4f}", flush=True)
        if world > 1:
            dist.barrier()                    # the others wait while rank 0 evaluates
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
