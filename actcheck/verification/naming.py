"""How people name things: derivative functions beside their forward, and what a parameter holds.

A name is normalised by ignoring case and underscores (so camelCase and snake_case meet):
``dsigmoid``, ``dTanh``, ``reluPrime``, ``softsignDerivative``, ``grad_elu`` and
``backward_selu`` are a derivative marker and a forward's name. A name that could be read
two ways (``delu``: d + elu, or an activation of its own) means the pairing that exists in
the file.
"""

import re

__all__ = [
    "key",
    "activation_for",
    "pair_functions",
    "base_name",
    "role",
    "says_output",
    "is_flag",
    "UPSTREAM",
    "OUTPUT",
    "INPUT",
]

DERIVATIVE_PREFIXES = ("d", "grad", "backward")
DERIVATIVE_SUFFIXES = ("backward", "bwd", "prime", "derivative", "deriv", "grad", "gradient")
FORWARD_MARKERS = ("forward", "fwd")

_FLAG = re.compile(r"deriv|grad|prime|backward|^d$")
# what a parameter holds, by its name (lower case)
UPSTREAM = "upstream"
OUTPUT = "output"
INPUT = "input"
CACHE = "cache"
_UPSTREAM = re.compile(
    r"(d[a-z]?\d?|d_?(out|outputs?|values|inputs?|acts?|activations?|loss|l|y_?hat)|delta\w*|\w*grad\w*"
    r"|upstream\w*|errs?|errors?|top_diff|g|dl_d\w+)"
)
_OUTPUT = {"y", "a", "out", "output", "outputs", "s", "act", "activation", "activations", "fx", "f_x", "sig", "y_out"}
_INPUT = {"x", "z", "xs", "zs", "inputs", "input", "inp", "pre", "preact", "pre_activation", "logits", "net"}
_CACHE = {"cache", "caches", "ctx", "saved", "stored", "activation_cache", "linear_cache"}


def key(name):
    """The normalised name: case and underscores ignored."""
    return name.replace("_", "").lower()


def _forward_key(name):
    k = key(name)
    for m in FORWARD_MARKERS:
        if k.endswith(m) and len(k) > len(m):
            return k[: -len(m)]
        if k.startswith(m) and len(k) > len(m):
            return k[len(m) :]
    return k


def base_name(name):
    """The forward's name as written, without a forward marker: relu_forward -> relu, reluForward -> relu."""
    stripped = re.sub(r"(_?[Ff]orward|_?[Ff]wd)$", "", name)
    stripped = re.sub(r"^([Ff]orward_?|[Ff]wd_)", "", stripped)
    return stripped or name


def _derivative_of(k):
    """Every forward key that ``k`` could be the derivative of."""
    out = [k[len(p) :] for p in DERIVATIVE_PREFIXES if k.startswith(p) and len(k) > len(p)]
    out += [k[: -len(s)] for s in DERIVATIVE_SUFFIXES if k.endswith(s) and len(k) > len(s)]
    return out


def pair_functions(names):
    """[(forward name, derivative name)] among ``names`` by the normalised-name rule."""
    forwards = {}
    for n in names:
        forwards.setdefault(_forward_key(n), []).append(n)
        if key(n) != _forward_key(n):
            forwards.setdefault(key(n), []).append(n)
    links = {}
    for g in names:
        targets = [f for base in _derivative_of(key(g)) for f in forwards.get(base, []) if f != g]
        if targets:
            links[g] = targets
    # a name that has a derivative of its own is a forward, not a derivative (delu beside delu_prime)
    has_derivative = {f for fs in links.values() for f in fs}
    pairs = []
    for g, targets in links.items():
        if g in has_derivative:
            continue
        # relu_forward before relu when both exist; otherwise the first by position
        targets = sorted(set(targets), key=lambda f: (key(f) == _forward_key(f), names.index(f)))
        pairs.append((targets[0], g))
    return pairs


def role(param):
    """What a parameter's name says it holds: upstream, output, input, cache, or None."""
    low = param.lower()
    if low in _CACHE or low.endswith("cache"):
        return CACHE
    if low in _OUTPUT or low.startswith(("output", "activation", "act_", "out_")):
        return OUTPUT
    if low in _INPUT or low.startswith(("input", "pre_")):
        return INPUT
    if _UPSTREAM.fullmatch(low):
        return UPSTREAM
    return None


def says_output(fn, param):
    """Does the function's parameter name or docstring say it takes the activation's output?"""
    if role(param) == OUTPUT:
        return True
    doc = getattr(fn, "__doc__", None) or ""
    if re.search(rf"\b{re.escape(param)}\s*=\s*[A-Za-z_][\w.]*\s*\(", doc):
        return True  # 'where z = sigmoid(x)', 'h = tanh(x)'
    return bool(re.search(r"\b(output|outputs|post-activation)\b", doc, re.I)) and not re.search(
        r"\binput\b", doc, re.I
    )


def is_flag(param, default):
    """A boolean switch whose name says derivative: derivative=False, deriv=False, grad=False, prime=False."""
    return isinstance(default, bool) and bool(_FLAG.search(param.lower()))


_AFFIXES = re.compile(r"^(activation|act|layer|nn)_?|_?(layer|activation|function|func|fn|act|module|op)$", re.I)


def activation_for(name):
    """The known activation a user's name means (ReLULayer, Activation_ReLU, Activations.relu, leakyRelu), or None."""
    from ..registry import lookup

    base = name.split(".")[-1]
    for candidate in (base, _AFFIXES.sub("", base), _AFFIXES.sub("", _AFFIXES.sub("", base))):
        act = lookup(candidate) if candidate else None
        if act is not None:
            return act
    return None
