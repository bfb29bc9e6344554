"""Nothing but a derivative without its forward: exit 2 naming it, never a pass about nothing."""
import numpy as np


def tanh_grad(x):
    return 1 - np.tanh(x)
