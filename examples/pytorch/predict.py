#!/usr/bin/python3
"""PyTorch's own test-set predictions for a checkpoint (Atelier's or PyTorch's), to compare
with `atelier-cli eval --predictions FILE.csv CHECKPOINT`.

    /usr/bin/python3 examples/pytorch/predict.py CHECKPOINT --data DIR --out preds.txt

Writes one predicted class per test image, one per line, and prints the accuracy.  The
preset is recognised from the tensor names; Atelier's training state and learning history
("optimizer.*", "history.*") are dropped and DDP / torch.compile prefixes stripped before
load_state_dict."""

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from atelier_data import load_split          # noqa: E402
from atelier_models import build_model, load_file, preset_of   # noqa: E402


def model_tensors(path):
    tensors = {}
    for name, t in load_file(path).items():
        while name.startswith(("module.", "_orig_mod.")):
            name = name.split(".", 1)[1]
        if not name.startswith(("optimizer.", "history.")):
            tensors[name] = t.float()
    return tensors


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("checkpoint")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", help="file of predicted classes, one per line")
    args = p.parse_args()

    tensors = model_tensors(args.checkpoint)
    model = build_model(preset_of(tensors))
    model.load_state_dict(tensors)            # strict: every name and shape must match
    model.eval()
    images, labels = load_split(args.data, "test")
    images = images.copy()                    # writable: torch warns about read-only buffers
    preds = []
    with torch.no_grad():
        for start in range(0, images.shape[0], 1000):
            x = torch.from_numpy(images[start:start + 1000]).float() / 255.0
            preds.append(model(x).argmax(1))
    preds = torch.cat(preds)
    accuracy = (preds == torch.from_numpy(labels)).float().mean().item()
    print(f"test accuracy {accuracy:.4f} over {len(preds)} images")
    if args.out:
        with open(args.out, "w") as f:
            f.write("".join(f"{int(c)}\n" for c in preds))


if __name__ == "__main__":
    main()
