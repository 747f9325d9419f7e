#!/usr/bin/env python3
"""make-corpus.py — writes the seed corpora under tests/fuzz/corpus/<target>/.

Small valid (and a few nearly valid) inputs per target, deterministic, so the checked-in
files can be regenerated and reviewed: python3 tests/fuzz/make-corpus.py
The IDX framing (flags byte, 16-bit images length) is the one fuzz-harness.h describes.
"""
import gzip
import json
import os
import random
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SIDE = 28
PIXELS = SIDE * SIDE


def out(target, name, data):
    """`name` starts with "ok-" when the loader must accept the input, "no-" when it must
    refuse it with a GError: tests/test-fuzz-regressions.c checks both."""
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def images_idx(n, rng, rows=SIDE, cols=SIDE):
    head = struct.pack(">IIII", 0x803, n, rows, cols)
    return head + bytes(rng.randrange(256) if rng.random() < 0.3 else 0
                        for _ in range(n * rows * cols))


def labels_idx(n):
    return struct.pack(">II", 0x801, n) + bytes(i % 10 for i in range(n))


def idx_pack(flags, images, labels):
    return struct.pack("<BH", flags, len(images)) + images + labels


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def corpus_idx(rng):
    one, two = images_idx(1, rng), images_idx(2, rng)
    out("idx", "ok-raw-1", idx_pack(0, one, labels_idx(1)))
    out("idx", "ok-raw-2", idx_pack(0, two, labels_idx(2)))
    out("idx", "ok-harness-gzip-2", idx_pack(3, two, labels_idx(2)))
    out("idx", "ok-harness-gzip-images-1", idx_pack(1, one, labels_idx(1)))
    out("idx", "ok-file-gzip-3", idx_pack(0, gz(images_idx(3, rng)), gz(labels_idx(3))))
    out("idx", "no-labels-as-images", idx_pack(0, labels_idx(2), images_idx(2, rng)))
    # Error paths as starting points: random mutation rarely changes a count and the data
    # length together, so without these the fuzzer never reaches the truncation checks.
    out("idx", "no-raw-labels-truncated", idx_pack(0, one, labels_idx(1)[:-1]))
    out("idx", "no-raw-images-truncated", idx_pack(0, two[:-100], labels_idx(2)))
    out("idx", "no-raw-extra-byte", idx_pack(0, one + b"\0", labels_idx(1)))
    out("idx", "no-harness-gzip-truncated", idx_pack(3, two[:-1], labels_idx(2)))
    out("idx", "no-file-gzip-cut", idx_pack(0, gz(two)[:-40], gz(labels_idx(2))))
    out("idx", "no-file-gzip-trailing", idx_pack(0, gz(one) + b"junk", gz(labels_idx(1))))
    out("idx", "no-label-11", idx_pack(0, one, labels_idx(1)[:-1] + b"\x0b"))
    out("idx", "no-count-mismatch", idx_pack(0, one, labels_idx(2)))


def csv_row(label, rng):
    return ",".join([str(label)] + [str(rng.randrange(256)) if rng.random() < 0.2 else "0"
                                    for _ in range(PIXELS)])


def corpus_csv(rng):
    header = "label," + ",".join("pixel%d" % i for i in range(1, PIXELS + 1))
    out("csv", "ok-one-row", (header + "\n" + csv_row(3, rng) + "\n").encode())
    out("csv", "ok-two-rows-crlf", (header + "\r\n" + csv_row(0, rng) + "\r\n"
                                 + csv_row(9, rng) + "\r\n").encode())
    out("csv", "ok-bom-no-final-newline", ("\ufeff" + header + "\n" + csv_row(7, rng)).encode())
    out("csv", "ok-blank-lines-after", (header + "\n" + csv_row(1, rng) + "\n\n\r\n").encode())
    out("csv", "no-header-only", (header + "\n").encode())
    row = csv_row(2, rng)
    out("csv", "no-value-256", (header + "\n" + row[:-1] + "256\n").encode())
    out("csv", "no-short-row", (header + "\n" + row.rsplit(",", 1)[0] + "\n").encode())
    out("csv", "no-long-row", (header + "\n" + row + ",0\n").encode())
    out("csv", "no-label-10", (header + "\n1" + row + "\n").encode())
    out("csv", "no-negative", (header + "\n" + row.replace(",0,", ",-1,", 1) + "\n").encode())
    out("csv", "no-letters", (header + "\n" + row.replace(",0,", ",x,", 1) + "\n").encode())
    out("csv", "no-lone-cr", (header + "\n" + row + "\r" + row + "\n").encode())
    out("csv", "no-bad-header", ("lab," + header[4:] + "\n" + row + "\n").encode())


def safetensors(tensors, metadata=None, pad=0):
    """tensors: list of (name, shape, list of floats) in data order."""
    header, data = {}, b""
    for name, shape, values in tensors:
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * pad
    return struct.pack("<Q", len(text)) + text + data


def corpus_safetensors(rng):
    f = lambda n: [rng.uniform(-1, 1) for _ in range(n)]
    out("safetensors", "ok-two-tensors", safetensors(
        [("a.weight", [2, 3], f(6)), ("a.bias", [3], f(3))], {"format": "atelier"}))
    out("safetensors", "ok-scalar-and-empty", safetensors(
        [("s", [], f(1)), ("e", [0, 4], [])]))
    out("safetensors", "ok-no-tensors", safetensors([], {"preset": "mlp", "epoch": "1"}))
    out("safetensors", "ok-padded-header", safetensors([("x", [1, 1, 2, 2], f(4))], None, pad=5))
    out("safetensors", "ok-many-dims", safetensors([("m", [1, 1, 1, 1, 1, 1, 1, 2], f(2))]))


CONFIG = {"model": "mlp", "epochs": 2, "batch_size": 32,
          "optimizer": {"kind": "adam", "learning_rate": 0.001, "momentum": 0.0,
                        "nesterov": False, "rho": 0.9, "beta_1": 0.9, "beta_2": 0.999,
                        "epsilon": 1e-07},
          "l2": 0.0, "schedule": "constant", "step_epochs": 10, "gamma": 0.5,
          "validation_split": 0.0, "seed": "42", "threads": 1, "limit": 64,
          "evaluate_test": True}
HISTORY = [{"epoch": 1, "n_epochs": 2, "seconds": 0.006, "learning_rate": 0.001,
            "train_loss": 2.5, "train_accuracy": 0.09, "val_loss": None, "val_accuracy": None,
            "test_loss": 2.3, "test_accuracy": 0.125}]


def meta(preset="mlp", config=CONFIG, **extra):
    m = {"format": "atelier", "format_version": "1", "preset": preset, "epoch": "1",
         "config": json.dumps(config, separators=(",", ":")),
         "history": json.dumps(HISTORY, separators=(",", ":")),
         "rng_state": "5c560828aac45776 5a14c098b44b2dfe 47fe315b977c7a60 eabdbe65cc3e722a",
         "optimizer": "adam", "optimizer.steps": "2"}
    m.update(extra)
    return m


def corpus_checkpoint(rng):
    f = lambda n: [rng.uniform(-1, 1) for _ in range(n)]
    out("checkpoint", "ok-mlp-config-small-tensors", safetensors(
        [("fc1.weight", [2, 4], f(8)), ("fc1.bias", [2], f(2))], meta()))
    cnn = dict(CONFIG, model="cnn", batch_size=256,
               optimizer=dict(CONFIG["optimizer"], kind="sgd", momentum=0.9, nesterov=True))
    out("checkpoint", "ok-cnn-config-no-tensors", safetensors([], meta("cnn", cnn, optimizer="sgd")))
    out("checkpoint", "no-weights-only-names", safetensors(
        [("conv1.weight", [1, 1, 2, 2], f(4)), ("conv1.bias", [1], f(1))]))
    sched = dict(CONFIG, schedule="step", step_epochs=3, gamma=0.1, validation_split=0.1,
                 l2=0.0005, optimizer=dict(CONFIG["optimizer"], kind="rmsprop"))
    out("checkpoint", "ok-step-schedule-rmsprop", safetensors(
        [("fc4.bias", [10], f(10))], meta(config=sched, optimizer="rmsprop")))
    out("checkpoint", "no-other-format", safetensors([], {"format": "pytorch"}))
    # A layer record (history.layer_stats, nn-checkpoint-record.h): two points of two
    # layers, step epoch batch count, 6 metrics, 24 histogram shares; and one whose second
    # point goes back in steps and holds a share above 1: the model opens, the record is
    # refused with a GError.
    def point(step, share):
        return [step, 1, step, 1] + f(6) + [share] + [0.0] * 23
    names = {"layer_stats.layers": "fc1,fc2"}
    good = point(4, 1.0) + point(4, 1.0) + point(8, 1.0) + point(8, 1.0)
    bad = point(8, 1.0) + point(8, 1.0) + point(4, 2.0) + point(4, 2.0)
    out("checkpoint", "ok-mlp-layer-stats", safetensors(
        [("fc4.bias", [10], f(10)), ("history.layer_stats", [2, 2, 34], good)], meta(**names)))
    out("checkpoint", "ok-mlp-bad-layer-stats", safetensors(
        [("fc4.bias", [10], f(10)), ("history.layer_stats", [2, 2, 34], bad)], meta(**names)))


if __name__ == "__main__":
    import shutil
    shutil.rmtree(os.path.join(HERE, "corpus"), ignore_errors=True)
    rng = random.Random(7)
    corpus_idx(rng)
    corpus_csv(rng)
    corpus_safetensors(rng)
    corpus_checkpoint(rng)
