#!/usr/bin/env python3
"""filter-smoothness.py — how smooth a checkpoint's first-layer filters are.

    python3 bench/filter-smoothness.py MODEL.safetensors [...]

For each 5x5 kernel of conv1.weight: total variation (the sum of |differences| between
horizontal and vertical neighbours) divided by the sum of |weights|, so that a filter's
scale does not count, only how much it jumps from pixel to pixel.  Prints the mean over
the filters, the mean raw total variation and the mean |weight|.  Plain Python: the
safetensors header is JSON, the tensor little-endian float32."""
import json
import struct
import sys


def conv1(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        header = json.loads(f.read(n))
        info = header['conv1.weight']
        if info['dtype'] != 'F32':
            raise SystemExit(f'{path}: conv1.weight is {info["dtype"]}, not F32')
        start, end = info['data_offsets']
        f.seek(8 + n + start)
        data = f.read(end - start)
    out_c, in_c, kh, kw = info['shape']
    values = struct.unpack(f'<{(end - start) // 4}f', data)
    return [[values[(o * in_c * kh + y) * kw:(o * in_c * kh + y) * kw + kw] for y in range(kh)]
            for o in range(out_c)], kh, kw


for path in sys.argv[1:]:
    kernels, kh, kw = conv1(path)
    rel, raw, mag = [], [], []
    for k in kernels:
        tv = sum(abs(k[y][x + 1] - k[y][x]) for y in range(kh) for x in range(kw - 1))
        tv += sum(abs(k[y + 1][x] - k[y][x]) for y in range(kh - 1) for x in range(kw))
        s = sum(abs(v) for row in k for v in row)
        rel.append(tv / s)
        raw.append(tv)
        mag.append(s / (kh * kw))
    print(f'{path}: {len(kernels)} filters, TV/Σ|w| {sum(rel) / len(rel):.3f}, '
          f'TV {sum(raw) / len(raw):.3f}, mean |w| {sum(mag) / len(mag):.4f}')
