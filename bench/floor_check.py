"""The floor for one activation on a dense grid: the same work done by hand.

NumPy forward and derivative (actcheck's own functions, so only the tool's overhead is
measured), torch forward and backward, and the max errors. Usage: floor_check.py NAME N
"""

import sys

import numpy as np
import torch

from actcheck.registry import ACTIVATIONS

name, n = sys.argv[1], int(sys.argv[2])
act = ACTIVATIONS[name]
x = np.linspace(-20.0, 20.0, n)
with np.errstate(all="ignore"):
    if act.kind == "vector":
        f, d = act.forward(x), act.vjp(x, np.ones_like(act.forward(x)))
    else:
        f, d = act.forward(x, **act.params), act.derivative(x, **act.params)
xt = torch.from_numpy(x).requires_grad_(True)
y = act.torch(torch, xt, **act.params)
(g,) = torch.autograd.grad(y.sum(), xt)
print(np.max(np.abs(f - y.detach().numpy())), np.max(np.abs(d - g.numpy())))
