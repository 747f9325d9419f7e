"""Fashion-MNIST as Atelier reads it: the four IDX files (gzipped or not) or Kaggle's two
CSVs (fashion-mnist_train.csv / fashion-mnist_test.csv: a header, then label,pixel1…784).

Images stay uint8 (N, 1, 28, 28); the training loop scales each batch to [0, 1], as Atelier
does."""

import gzip
import os

import numpy as np

IDX = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
       "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
CSV = {"train": "fashion-mnist_train.csv", "test": "fashion-mnist_test.csv"}


def _read_idx(path, magic, n_dims):
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    with (gzip.open if gz else open)(path, "rb") as f:
        data = f.read()
    head = np.frombuffer(data[:4 * (1 + n_dims)], dtype=">u4")
    if head[0] != magic:
        raise ValueError(f"{path}: bad IDX magic {int(head[0]):#x}")
    payload = np.frombuffer(data, dtype=np.uint8, offset=4 * (1 + n_dims))
    return payload.reshape([int(d) for d in head[1:]])


def _find(data_dir, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            return path
    return None


def load_split(data_dir, split):
    """(images uint8 (N, 1, 28, 28), labels int64 (N,)) of "train" or "test"."""
    images_stem, labels_stem = IDX[split]
    images_path, labels_path = _find(data_dir, images_stem), _find(data_dir, labels_stem)
    if images_path and labels_path:
        images = _read_idx(images_path, 0x803, 3)
        labels = _read_idx(labels_path, 0x801, 1)
    else:
        csv = os.path.join(data_dir, CSV[split])
        if not os.path.exists(csv):
            raise FileNotFoundError(f"{data_dir}: no {images_stem}[.gz] and no {CSV[split]}")
        table = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.uint8, ndmin=2)
        labels, images = table[:, 0], table[:, 1:]
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split}: {images.shape[0]} images but {labels.shape[0]} labels")
    images = np.ascontiguousarray(images.reshape(-1, 1, 28, 28))
    return images, labels.astype(np.int64)
