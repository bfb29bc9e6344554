"""The Python API speaks the CLI's language: keywords for parameters, check_pair takes what check takes,
results show themselves (repr, HTML, JSON), bad input is an InputError."""

import json
from math import pi, sqrt

import numpy as np
import pytest

import actcheck
from actcheck.errors import InputError

_C = sqrt(2 / pi)


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(_C * (x + 0.044715 * x**3)))


def gelu_tanh_grad(x):
    t = np.tanh(_C * (x + 0.044715 * x**3))
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _C * (1 + 3 * 0.044715 * x**2)


def test_check_pair_takes_activation_parameters_as_keywords_text_ones_too():
    r = actcheck.check_pair(gelu_tanh, gelu_tanh_grad, like="gelu", approximate="tanh")
    assert r.passed and r.params == {"approximate": "tanh"}
    assert not any("hard-codes" in n for n in r.notes)  # given, not inferred
    erf = actcheck.check_pair(gelu_tanh, gelu_tanh_grad, like="gelu", approximate="none")
    assert not erf.passed  # the keyword is what torch is asked for: no inference over it


def test_check_pair_keeps_params_and_reference_as_older_names():
    elu = lambda x, alpha=1.0: np.where(x > 0, x, alpha * np.expm1(x))  # noqa: E731
    d_elu = lambda x, alpha=1.0: np.where(x > 0, 1.0, alpha * np.exp(x))  # noqa: E731
    old = actcheck.check_pair(elu, d_elu, reference="elu", params={"alpha": 2.0})
    new = actcheck.check_pair(elu, d_elu, like="elu", alpha=2.0)
    assert old.passed and new.passed and old.params["alpha"] == new.params["alpha"] == 2.0


def test_check_pair_in_a_dtype_gives_the_code_arrays_of_it_and_judges_in_it():
    seen = set()

    def sigmoid(x):
        seen.add(x.dtype.name)
        return 1 / (1 + np.exp(-x))

    def sigmoid_grad(x):  # 1e-6 off: inside float32's tolerances, outside float64's
        s = 1 / (1 + np.exp(-x.astype(np.float64)))
        return s * (1 - s) * (1 + 1e-6)

    assert not actcheck.check_pair(sigmoid, sigmoid_grad, like="sigmoid").passed
    assert seen == {"float64"}
    r = actcheck.check_pair(sigmoid, sigmoid_grad, like="sigmoid", dtype="float32")
    assert r.passed and seen == {"float64", "float32"}
    assert any(n.startswith("asked for float32: judged in float32") for n in r.notes)


def test_check_pair_tolerances_and_points_are_the_callers():
    softplus = lambda x: np.logaddexp(0.0, x)  # noqa: E731
    slip = lambda x: np.where(x > 5, 1.00001, 1.0) / (1 + np.exp(-x))  # noqa: E731
    assert not actcheck.check_pair(softplus, slip, like="softplus").passed
    assert actcheck.check_pair(softplus, slip, like="softplus", rtol=1e-4).passed
    assert actcheck.check_pair(softplus, slip, like="softplus", points=[-1.0, 0.0, 1.0]).passed
    assert not actcheck.check_pair(softplus, slip, like="softplus", points=[6.0]).passed


def test_check_pair_with_the_oracle_judges_against_exact_values_where_torch_agrees():
    import torch

    def gelu(x):
        return torch.nn.functional.gelu(torch.from_numpy(x), approximate="tanh").numpy()

    def gelu_grad(x):
        t = torch.from_numpy(x).requires_grad_(True)
        (g,) = torch.autograd.grad(torch.nn.functional.gelu(t, approximate="tanh").sum(), t)
        return g.numpy()

    exact = dict(like="gelu", approximate="tanh", rtol=0, atol=0, points=np.linspace(-4, 4, 81))
    assert actcheck.check_pair(gelu, gelu_grad, **exact).passed  # torch beside itself
    r = actcheck.check_pair(gelu, gelu_grad, oracle=True, **exact)
    assert not r.passed and any(n.startswith("oracle: judged against exact values at 81 points; off:") for n in r.notes)


def test_check_pair_strict_fails_where_only_torch_is_off():
    exact = dict(like="gelu", approximate="tanh", rtol=0, atol=0, points=[1.5])
    r = actcheck.check_pair(gelu_tanh, gelu_tanh_grad, **exact)
    assert r.passed and any("torch is off there" in n for n in r.notes)
    assert not actcheck.check_pair(gelu_tanh, gelu_tanh_grad, strict=True, **exact).passed


def test_check_pair_says_when_the_convention_is_not_the_expected_one():
    assert actcheck.check_pair(np.tanh, lambda x: 1 - np.tanh(x) ** 2, like="tanh", convention="derivative").passed
    with pytest.raises(InputError, match="called in the derivative convention, not upstream"):
        actcheck.check_pair(np.tanh, lambda x: 1 - np.tanh(x) ** 2, like="tanh", convention="upstream")


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"dtype": "float99"}, "unknown dtype"),
        ({"rtol": -1}, "rtol must be finite and non-negative"),
        ({"points": "abc"}, "values must be numbers"),
        ({"points": [1e300], "dtype": "float32"}, "beyond float32's range"),
        ({"approximate": "bogus"}, "approximate must be"),
        ({"alpha": 2.0}, "parameter alpha: no pair in gelu_tanh takes a parameter alpha"),
        ({"order": 2}, "order=2 and second= .your second derivative. go together"),
        ({"second": np.cos}, "order=2 and second= .your second derivative. go together"),
        ({"order": 2, "second": np.cos, "like": None}, "it needs an elementwise like="),
        ({"like": "nope"}, "unknown activation 'nope'"),
        ({"like": "gelu", "reference": "gelu"}, "not both"),
        ({"like": None, "oracle": True}, "finite differences have no exact values"),
        ({"strict": "yes"}, "strict must be True or False"),
    ],
)
def test_check_pair_bad_input_is_an_input_error(kw, message):
    with pytest.raises(InputError, match=message):
        actcheck.check_pair(gelu_tanh, gelu_tanh_grad, **{"like": "gelu", **kw})


def test_check_takes_points_as_a_keyword_too():
    assert actcheck.check("gelu", points=[0.5, 1.0], approximate="tanh").n_points == 2
    with pytest.raises(InputError, match="not both"):
        actcheck.check("gelu", [1.0], points=[0.5])


def test_results_show_themselves_in_a_session_and_as_json():
    r = actcheck.check("selu", [0.0, 1.0, 2.0], rtol=0, atol=0)
    assert repr(r).startswith("<Result selu(float64): FAIL at 3 points; backward: 1 of 3 points differ")
    assert "<b>FAIL</b>" in r._repr_html_() and "backward" in r._repr_html_()
    assert json.loads(r.to_json())["passed"] is False
    p = actcheck.check_pair(np.tanh, lambda x: 1 - np.tanh(x), like="tanh")
    assert repr(p) == (
        "<PairResult tanh (derivative, against torch): FAIL; backward is 1 - f(x): the square is missing "
        "(f'(x) = 1 - f(x)**2)>"
    )
    assert "the square is missing" in p._repr_html_() and json.loads(p.to_json())["passed"] is False


def test_a_verify_report_shows_itself_too(tmp_path):
    f = tmp_path / "acts.py"
    f.write_text(
        "import numpy as np\ndef tanh(x):\n    return np.tanh(x)\ndef tanh_grad(x):\n    return 1 - np.tanh(x)\n"
    )
    rep = actcheck.verify(f)
    assert repr(rep) == f"<VerifyReport {f}: FAIL, 1 of 1 pairs failed, 0 skipped>"
    assert json.loads(rep.to_json())["results"][0]["name"] == "tanh"


def test_check_pair_order_2_judges_the_second_derivative_against_torchs_double_backward():
    s = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    ds = lambda x: s(x) * (1 - s(x))  # noqa: E731
    right = lambda x: ds(x) * (1 - 2 * s(x))  # noqa: E731
    slipped = lambda x: ds(x) * (1 - s(x))  # noqa: E731  (the chain rule half applied)
    r = actcheck.check_pair(s, ds, like="sigmoid", order=2, second=right)
    assert r.passed and r.max_abs_error["second"] < 1e-15
    bad = actcheck.check_pair(s, ds, like="sigmoid", order=2, second=slipped, dtype="float32")
    assert not bad.passed and bad.diagnosis[-1].startswith("second derivative differs at ")
    assert bad.worst[-1]["quantity"] == "second"


def test_the_api_reference_is_generated_from_the_docstrings_and_current():
    import runpy
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    render = runpy.run_path(str(root / "tools" / "api_doc.py"))["render"]
    assert (root / "docs" / "api.md").read_text() == render(), "run: python tools/api_doc.py > docs/api.md"


def test_check_pair_judges_at_the_parameters_given_not_ones_inferred_from_the_code():
    leaky = lambda x: np.where(x > 0, x, 0.2 * x)  # noqa: E731
    dleaky = lambda x: np.where(x > 0, 1.0, 0.2)  # noqa: E731
    assert not actcheck.check_pair(leaky, dleaky, like="leaky_relu").passed  # torch's default slope is 0.01
    assert actcheck.check_pair(leaky, dleaky, like="leaky_relu", negative_slope=0.2).passed
    with pytest.raises(AssertionError, match="yours is 0.2 there, torch 0.01"):
        actcheck.assert_gradient(leaky, dleaky, like="leaky_relu")
