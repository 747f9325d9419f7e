#!/usr/bin/env python3
"""Write Kaggle's two Fashion-MNIST CSVs from the four IDX files.

Independent of the Atelier engine on purpose (Python's gzip module, not our loader), so
comparing our CSV loader with our IDX loader on its output checks both.

    python3 bench/idx_to_csv.py [--src /usr/share/datasets/fashion-mnist] [--out bench/out/csv]

Output: OUT/fashion-mnist_train.csv and OUT/fashion-mnist_test.csv, a header line
"label,pixel1,...,pixel784" then one row per image, "\n" line ends.  Never commit them
(bench/out/ is git-ignored).
"""
import argparse
import gzip
import os
import struct
import sys

PIXELS = 28 * 28
SPLITS = (("train", "fashion-mnist_train.csv"), ("t10k", "fashion-mnist_test.csv"))


def read_idx(path, magic, n_dims):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    head = struct.unpack(">%dI" % (1 + n_dims), data[: 4 * (1 + n_dims)])
    if head[0] != magic:
        sys.exit("%s: bad magic 0x%08x" % (path, head[0]))
    return head[1:], data[4 * (1 + n_dims):]


def find(src, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(src, candidate)
        if os.path.exists(path):
            return path
    sys.exit("%s: no %s[.gz]" % (src, name))


def convert(src, prefix, out_path):
    (n, rows, cols), pixels = read_idx(find(src, prefix + "-images-idx3-ubyte"), 0x803, 3)
    (n_labels,), labels = read_idx(find(src, prefix + "-labels-idx1-ubyte"), 0x801, 1)
    if (rows, cols) != (28, 28) or n != n_labels or len(pixels) != n * PIXELS or len(labels) != n:
        sys.exit("%s: inconsistent IDX files" % prefix)
    text = [str(v).encode() for v in range(256)]
    tmp = out_path + ".tmp"
    with open(tmp, "wb") as out:
        out.write(b"label," + b",".join(b"pixel%d" % k for k in range(1, PIXELS + 1)) + b"\n")
        for i in range(n):
            row = pixels[i * PIXELS:(i + 1) * PIXELS]
            out.write(text[labels[i]] + b"," + b",".join(map(text.__getitem__, row)) + b"\n")
    os.replace(tmp, out_path)
    return n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "out", "csv"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for prefix, name in SPLITS:
        path = os.path.join(args.out, name)
        n = convert(args.src, prefix, path)
        print("%s: %d rows, %d bytes" % (path, n, os.path.getsize(path)))


if __name__ == "__main__":
    main()
