"""Atelier's presets as PyTorch modules, with Atelier's tensor names.

The attribute names (conv1 … conv4, bn1 … bn4, fc1 … fc4) make ``state_dict()`` use exactly the names
Atelier writes and reads (``conv1.weight`` (out, in, kh, kw), ``fc1.weight`` (out, in), …),
so a checkpoint passes between the two without renaming:

* Atelier opens ``safetensors.torch.save_file(model.state_dict(), path)`` as it is, and also
  the state_dict of a ``DistributedDataParallel`` or ``torch.compile`` wrapper (``module.``
  and ``_orig_mod.`` prefixes), in F32, F16 or BF16.
* PyTorch loads an Atelier checkpoint with ``model.load_state_dict(tensors)`` after dropping
  the training state and learning history Atelier keeps beside the weights (trainer
  checkpoints only)::

      tensors = {k: v for k, v in load_file(path).items()
                 if not k.startswith(("optimizer.", "history."))}

Also a minimal safetensors reader and writer (``load_file`` / ``save_file``), for machines
without the ``safetensors`` package (Debian 12 has none); the real package is used when
present.
"""

import json
import os
import struct

import torch
from torch import nn

PRESETS = ("mlp", "cnn", "cnn-plus")


class AtelierMLP(nn.Module):
    """Flatten, 3 × (Dense 256 + ReLU + Dropout 0.4/0.3/0.2), Dense 10 (logits)."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.fc2 = nn.Linear(256, 256)
        self.fc3 = nn.Linear(256, 256)
        self.fc4 = nn.Linear(256, 10)
        self.drop1, self.drop2, self.drop3 = nn.Dropout(0.4), nn.Dropout(0.3), nn.Dropout(0.2)

    def forward(self, x):                     # x: (N, 1, 28, 28) in [0, 1]
        x = torch.flatten(x, 1)
        x = self.drop1(torch.relu(self.fc1(x)))
        x = self.drop2(torch.relu(self.fc2(x)))
        x = self.drop3(torch.relu(self.fc3(x)))
        return self.fc4(x)


class AtelierCNN(nn.Module):
    """Conv 32@5 / pool / Conv 64@3 / pool / Conv 128@3, Dense 128, Dense 10 (logits).

    Output shapes (Keras notation): 24x24x32, 12x12x32, 10x10x64, 5x5x64, 3x3x128; the
    flatten is PyTorch's (C, H, W) order, which is Atelier's too."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.conv3 = nn.Conv2d(64, 128, 3)
        self.fc1 = nn.Linear(1152, 128)
        self.fc2 = nn.Linear(128, 10)
        self.pool = nn.MaxPool2d(2)
        self.drop1, self.drop2 = nn.Dropout(0.25), nn.Dropout(0.25)
        self.drop3, self.drop4 = nn.Dropout(0.4), nn.Dropout(0.3)

    def forward(self, x):                     # x: (N, 1, 28, 28) in [0, 1]
        x = self.drop1(self.pool(torch.relu(self.conv1(x))))
        x = self.drop2(self.pool(torch.relu(self.conv2(x))))
        x = self.drop3(torch.relu(self.conv3(x)))
        x = self.drop4(torch.relu(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)


class AtelierCNNPlus(nn.Module):
    """Two VGG blocks of (Conv 3x3 → BatchNorm → ReLU) x 2 and 2x2 max pooling (32 then 80
    channels, valid padding), Dense 256 + ReLU, Dense 10 (logits).

    Output shapes (Keras notation): 26x26x32, 24x24x32, 12x12x32, 10x10x80, 8x8x80, 4x4x80.
    Batch norm as Atelier's: eps 1e-5, momentum 0.1, running_mean / running_var saved (a
    state_dict without num_batches_tracked loads: PyTorch fills it in)."""

    def __init__(self):
        super().__init__()
        channels = [(1, 32), (32, 32), (32, 80), (80, 80)]
        for i, (c_in, c_out) in enumerate(channels, start=1):
            setattr(self, f"conv{i}", nn.Conv2d(c_in, c_out, 3))
            setattr(self, f"bn{i}", nn.BatchNorm2d(c_out, eps=1e-5, momentum=0.1))
        self.fc1 = nn.Linear(1280, 256)
        self.fc2 = nn.Linear(256, 10)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):                     # x: (N, 1, 28, 28) in [0, 1]
        for i in range(1, 5):
            x = torch.relu(getattr(self, f"bn{i}")(getattr(self, f"conv{i}")(x)))
            if i % 2 == 0:
                x = self.pool(x)
        x = torch.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def preset_of(tensors):
    """The preset a state_dict's names belong to."""
    if "bn1.weight" in tensors:
        return "cnn-plus"
    return "cnn" if "conv1.weight" in tensors else "mlp"


def build_model(name):
    """A fresh preset with Keras' initialisation: Glorot-uniform kernels, zero biases (batch
    norm as PyTorch starts it: weight 1, bias 0)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r} (expected one of {PRESETS})")
    model = {"mlp": AtelierMLP, "cnn": AtelierCNN, "cnn-plus": AtelierCNNPlus}[name]()
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return model


# ---- safetensors without the safetensors package --------------------------------------

_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
           torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8"}
_FROM_NAME = {v: k for k, v in _DTYPES.items()}


def save_file(tensors, path, metadata=None):
    """Writes `tensors` (name → tensor) as safetensors.torch.save_file does."""
    try:
        from safetensors.torch import save_file as real_save_file
    except ImportError:
        real_save_file = None
    if real_save_file is not None:
        real_save_file(tensors, path, metadata=metadata)
        return
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = dict(metadata)
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        # Little-endian bytes of the tensor's own dtype (viewed as bytes, so BF16 works too).
        blob = t.reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)            # the format pads the header to 8 bytes
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def load_file(path):
    """name → tensor, as safetensors.torch.load_file returns."""
    try:
        from safetensors.torch import load_file as real_load_file
    except ImportError:
        real_load_file = None
    if real_load_file is not None:
        return real_load_file(path)
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.uint8)
        out[name] = raw.view(_FROM_NAME[info["dtype"]]).reshape(info["shape"])
    return out


def save_atomically(tensors, path, metadata=None):
    """Writes `path` so that a reader sees the old file, no file, or the whole new one: a
    temporary name in the same directory (dot-prefixed, which followers skip), fsync, rename,
    fsync of the directory."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, "." + os.path.basename(path) + ".tmp")
    save_file(tensors, tmp, metadata)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dfd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)
