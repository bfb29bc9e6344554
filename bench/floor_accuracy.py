"""The floor for `actcheck accuracy sigmoid --dtype float32 --exhaustive --range 1 16`, done by hand.

Every float32 in [1, 16) (4 binades, 33.5 million values) in chunks of 2**20: torch's f and
f' (reverse mode), the registry's float64 NumPy f and f' rounded to float32, and each of
torch's values compared in ULP (max and mean). One process, torch's default threads.
Usage: floor_accuracy.py [LO HI]
"""

import sys

import numpy as np
import torch

from actcheck.registry import ACTIVATIONS

lo, hi = (float(v) for v in sys.argv[1:3]) if len(sys.argv) > 2 else (1.0, 16.0)
act = ACTIVATIONS["sigmoid"]
first = int(np.float32(lo).view(np.int32))
stop = int(np.float32(hi).view(np.int32))
worst, total, n = 0.0, 0.0, 0
with np.errstate(all="ignore"):
    for start in range(first, stop, 1 << 20):
        x = np.arange(start, min(stop, start + (1 << 20)), dtype=np.int32).view(np.float32)
        xt = torch.from_numpy(x).requires_grad_(True)
        y = torch.sigmoid(xt)
        (g,) = torch.autograd.grad(y.sum(), xt)
        x64 = x.astype(np.float64)
        for t, exact in ((y.detach().numpy(), act.forward(x64)), (g.numpy(), act.derivative(x64))):
            _, e = np.frexp(exact)
            spacing = np.ldexp(1.0, np.maximum(e - 1, -126) - 23)
            err = np.abs(t.astype(np.float64) - exact) / spacing
            worst, total = max(worst, float(err.max())), total + float(err.sum())
        n += x.size
print(f"{n} points: max {worst:.3f} ULP, mean {total / (2 * n):.4f}")
