"""How people name things: derivative functions beside their forward, and what a parameter holds.

A name is normalised by ignoring case and underscores (so camelCase and snake_case meet):
``dsigmoid``, ``dTanh``, ``reluPrime``, ``softsignDerivative``, ``grad_elu``, ``backward_selu``,
``deriv_sigmoid``, ``sigmoid_der``, ``relu2deriv``, ``elu_diff``, ``d_tanh_dx`` and
``sigmoid_derivative_fn`` (beside ``sigmoid_fn``) are a derivative marker and a forward's name.
A name that could be read two ways (``delu``: d + elu, or an activation of its own) means the
pairing that exists in the file; a derivative with a derivative of its own (f, f', f'') is
paired both ways: f with f', and f' with f''.
"""

import re
import sys

__all__ = [
    "docstring",
    "key",
    "derivative_stems",
    "activation_for",
    "pair_functions",
    "base_name",
    "role",
    "says_output",
    "is_flag",
    "UPSTREAM",
    "OUTPUT",
    "INPUT",
    "RATE",
]

DERIVATIVE_PREFIXES = ("derivative", "deriv", "d", "gradient", "grad", "backward")
DERIVATIVE_SUFFIXES = ("backward", "bwd", "prime", "derivative", "deriv", "2deriv", "der", "grad", "gradient", "diff")
# iamtrask's sigmoid_output_to_derivative, sigmoid_first_derivative, sigmoid_d
DERIVATIVE_SUFFIXES += ("outputtoderivative", "firstderivative", "d")
FORWARD_MARKERS = ("forward", "fwd")
_BOTH = ("fn",)  # a word written on the forward and the derivative alike: sigmoid_fn, sigmoid_derivative_fn

_FLAG = re.compile(r"deriv|grad|prime|backward|^d$")
# what a parameter holds, by its name (lower case)
UPSTREAM = "upstream"
OUTPUT = "output"
INPUT = "input"
CACHE = "cache"
RATE = "rate"
_UPSTREAM = re.compile(
    r"(d[a-z]?\d?|d_?(out|outputs?|values|inputs?|acts?|activations?|loss|l|y_?hat)|delta\w*|\w*grad\w*"
    r"|upstream\w*|\w*(error|err|errs|errors|delta|diff)|g|dl_d\w+)"
)
_OUTPUT = {"y", "a", "out", "output", "outputs", "s", "act", "activation", "activations", "fx", "f_x", "sig", "y_out"}
_INPUT = {"x", "z", "xs", "zs", "inputs", "input", "inp", "pre", "preact", "pre_activation", "logits", "net"}
_RATE = {"learning_rate", "learningrate", "lr", "eta", "step_size", "rate"}
_CACHE = {"cache", "caches", "ctx", "saved", "stored", "activation_cache", "linear_cache"}


def key(name):
    """The normalised name: case and underscores ignored."""
    return name.replace("_", "").lower()


def _stems(k):
    """The normalised name, and without a word both sides carry (sigmoid_fn: sigmoid)."""
    return [k] + [k[: -len(w)] for w in _BOTH if k.endswith(w) and len(k) > len(w)]


def _forward_key(name):
    k = key(name)
    for m in FORWARD_MARKERS:
        if k.endswith(m) and len(k) > len(m):
            return k[: -len(m)]
        if k.startswith(m) and len(k) > len(m):
            return k[len(m) :]
    return k


def _forward_keys(name):
    return {f for stem in _stems(key(name)) for f in (stem, _forward_key(stem))}


def base_name(name):
    """The forward's name as written, without a forward marker: relu_forward -> relu, reluForward -> relu."""
    stripped = re.sub(r"(_?[Ff]orward|_?[Ff]wd)$", "", name)
    stripped = re.sub(r"^([Ff]orward_?|[Ff]wd_)", "", stripped)
    return stripped or name


def _derivative_of(name):
    """(forward key, marker length) for every forward that ``name`` could be the derivative of."""
    out = []
    for k in _stems(key(name)):
        out += [(k[len(p) :], len(p)) for p in DERIVATIVE_PREFIXES if k.startswith(p) and len(k) > len(p)]
        out += [(k[: -len(s)], len(s)) for s in DERIVATIVE_SUFFIXES if k.endswith(s) and len(k) > len(s)]
        if k.startswith("d") and k.endswith("dx") and len(k) > 3:  # d_tanh_dx
            out.append((k[1:-2], 3))
    return out


def derivative_stems(name):
    """The forward names ``name`` reads as the derivative of (sigmoid_der: sigmoid), for a derivative left alone."""
    return [k for k, _ in _derivative_of(name)]


def _links(names):
    """{derivative name: [forward names, the likeliest first]} among ``names``."""
    forwards = {}
    for n in names:
        for k in _forward_keys(n):
            forwards.setdefault(k, []).append(n)
    links = {}
    for g in names:
        marker = {}
        for base, length in _derivative_of(g):
            for f in forwards.get(base, []):
                if f != g:
                    marker[f] = max(marker.get(f, 0), length)
        if marker:
            # relu_forward before relu when both exist; then the longer marker (delu_prime: delu + prime, not
            # d + elu_prime); then the first by position
            links[g] = sorted(marker, key=lambda f: (key(f) == _forward_key(f), -marker[f], names.index(f)))
    return links


def pair_functions(names):
    """[(forward name, derivative name)] among ``names`` by the normalised-name rule."""
    links = _links(names)
    has_derivative = {fs[0] for fs in links.values()}
    derivatives_of = {}
    for g, fs in links.items():
        derivatives_of.setdefault(fs[0], []).append(g)
    pairs = []
    for g, fs in links.items():
        f = fs[0]
        # a derivative with a derivative of its own is a forward too (f' beside f''); it is f's derivative as
        # well unless f has another that is only a derivative (elu_prime beside delu and delu_prime)
        if g in has_derivative and any(o not in has_derivative for o in derivatives_of[f] if o != g):
            continue
        pairs.append((f, g))
    return pairs


def role(param):
    """What a parameter's name says it holds: upstream, output, input, cache, a learning rate, or None."""
    low = param.lower()
    if low in _RATE:
        return RATE
    if low in _CACHE or low.endswith("cache"):
        return CACHE
    if low in _OUTPUT:
        return OUTPUT
    if low in _INPUT:
        return INPUT
    if _UPSTREAM.fullmatch(low):  # before the prefixes: out_grad, output_error, grad_output are gradients
        return UPSTREAM
    if low.startswith(("output", "activation", "act_", "out_")):
        return OUTPUT
    if low.startswith(("input", "pre_")):
        return INPUT
    return None


def says_output(fn, param):
    """Does the function's parameter name or docstring say it takes the activation's output?

    A parameter named like the input (x, z) takes it only when the docstring says so of that
    parameter (``z = sigmoid(x)``, ``z is the output``); a docstring merely mentioning outputs
    does not.
    """
    if role(param) == OUTPUT:
        return True
    doc = docstring(fn)
    p = re.escape(param)
    if re.search(rf"\b{p}\s*=\s*[A-Za-z_][\w.]*\s*\(", doc):
        return True  # 'where z = sigmoid(x)', 'h = tanh(x)'
    said = rf"\b{p}\b\s*(:|\(|=|-|is|are|holds)\s*(the\s+|an?\s+)?([\w'-]+\s+){{0,3}}(outputs?|post-activations?)\b"
    if re.search(said, doc, re.I):
        return True  # 'z is the activation's output', 'a: output of the layer'
    if role(param) == INPUT:
        return False
    return bool(re.search(r"\b(output|outputs|post-activation)\b", doc, re.I)) and not re.search(
        r"\binput\b", doc, re.I
    )


def docstring(fn):
    """The function's docstring; read from its source where Python dropped it (python -OO, PYTHONOPTIMIZE=2)."""
    doc = getattr(fn, "__doc__", None)
    if doc is not None or sys.flags.optimize < 2:
        return doc or ""
    try:
        import ast
        import inspect
        import textwrap

        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        return ast.get_docstring(tree.body[0]) or ""
    except Exception:  # no source (a notebook cell not kept, a builtin): no docstring to read
        return ""


def is_flag(param, default):
    """A switch whose name says derivative, off by default: derivative=False, deriv=False, grad=0, prime=None."""
    off = default is None or default is False or (type(default) is int and default == 0)
    return off and bool(_FLAG.search(param.lower()))


# public names: EfficientNet's MemoryEfficientSwish, mish-cuda's MishAutoFn, Megatron's bias_gelu_impl, openai_gelu
_AFFIXES = re.compile(
    r"^(activation|act|layer|nn|memory_?efficient|fused|bias|openai)_?"
    r"|_?(layer|activation|function|func|fn|act|module|op|implementation|impl|auto|autograd)$",
    re.I,
)


def activation_for(name):
    """The known activation a user's name means (ReLULayer, Activation_ReLU, Activations.relu, leakyRelu), or None."""
    from ..registry import lookup

    base = name.split(".")[-1]
    for candidate in (base, _AFFIXES.sub("", base), _AFFIXES.sub("", _AFFIXES.sub("", base))):
        act = lookup(candidate) if candidate else None
        if act is not None:
            return act
    return None
