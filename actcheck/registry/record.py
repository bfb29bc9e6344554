"""What the registry holds: one record per activation, elementwise or vector.

``forward``, ``derivative`` and ``second`` take a NumPy array (float32 or float64,
computed in that dtype) and the parameters as keywords; ``torch`` takes the torch
module, a tensor and the parameters; ``exact``, ``exact_d`` and ``exact_d2`` (f, f', f'' in
closed form) take an mpmath context, an mpf and the parameters (see registry/exact.py).
Nothing here imports torch, scipy or mpmath at module level, so
``actcheck list`` stays fast.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import InputError

__all__ = ["Activation", "VectorActivation", "ParamError", "torch_constant"]


class ParamError(InputError):
    """A parameter value the activation (or torch) rejects."""


def _no_kinks(**params):
    return ()


def _accept(**params):
    return None


@dataclass(frozen=True, kw_only=True)
class Activation:
    """An elementwise activation: f, f', f'' in NumPy beside torch's and the exact (mpmath) form."""

    name: str
    formula: str
    forward: Callable
    derivative: Callable
    second: Callable
    torch: Callable
    exact: Callable
    exact_d: Callable  # f' in closed form; the oracle returns None for it at a kink
    exact_d2: Callable  # f'' in closed form (None where it does not exist)
    params: dict = field(default_factory=dict)
    aliases: tuple = ()
    kinks: Callable = _no_kinks
    extra_points: tuple = ()  # places worth a look beyond the common grid (tails, zeros of f')
    validate: Callable = _accept
    span: tuple = (-6.0, 6.0)  # the interesting range, for plots
    torch_second: bool = True  # torch implements double backward
    # why torch rounds to float16/bfloat16 part-way (then atol there is the dtype's epsilon)
    stepwise: str = ""
    kind: str = "elementwise"


@dataclass(frozen=True, kw_only=True)
class VectorActivation:
    """A vector activation (softmax & co.): Jacobian products rather than one derivative per point.

    ``hvp(x, g, u)`` = d(g . J(x))/dx contracted with u is what torch's double backward computes.
    """

    name: str
    formula: str
    forward: Callable
    vjp: Callable  # (x, g) -> g . J
    jvp: Callable  # (x, v) -> J v
    jac_rows: Callable  # (x, rows, cols) -> J[rows][:, cols]
    hvp: Callable  # (x, g, u) -> (d(g . J)/dx) u
    torch: Callable  # (T, x) -> y
    exact: Callable  # (mp, [mpf]) -> [mpf]
    # (mp, [mpf] x, [mpf] g) -> [mpf] g . J exactly: closed forms, so the oracle need not differentiate numerically
    # (mpmath's diff beside x = 1e308 needs 600 digits); None: differentiated
    exact_vjp: Callable | None = None
    # (mp, [mpf] x, [mpf] g, [mpf] u) -> [mpf] (d(g . J)/dx) u exactly (the HVP torch's double backward computes)
    exact_hvp: Callable | None = None
    # (mp, [mpf] x, [mpf] v) -> [mpf] J v exactly (what forward mode computes)
    exact_jvp: Callable | None = None
    params: dict = field(default_factory=dict)
    aliases: tuple = ()
    kinks: Callable = _no_kinks
    validate: Callable = _accept  # parameters (vectors take none)
    validate_input: Callable = lambda x: None
    stepwise: str = ""  # see Activation.stepwise
    span: tuple = (-6.0, 6.0)
    kind: str = "vector"
    # (n, rows, cols) -> whether y[row] depends on x[col] at all (glu's do not across halves); None: all do
    depends: Callable | None = None


def torch_constant(T, like, values):
    """A constant tensor beside ``like``; beside a forward-mode dual it gets an explicit zero tangent.

    Without one, torch's forward mode adds a ZeroTensor whose shape it works out through a
    Python reference wrapped in torch._dynamo.disable: importing the compiler (~1.35 s).
    """
    import torch.autograd.forward_ad as fwad

    c = T.tensor(values, dtype=like.dtype)
    try:
        dual = fwad.unpack_dual(like).tangent is not None
    except RuntimeError:
        dual = False
    return fwad.make_dual(c, T.zeros_like(c)) if dual else c
