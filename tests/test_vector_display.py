"""A vector activation says what it shows: the VJP with a random upstream g, labelled so, in tables and plots."""

import numpy as np

from actcheck import check
from actcheck.registry import lookup


def test_the_table_shows_a_vector_activations_vjp_with_g_labelled_as_such(run):
    r = run("softmax", "-1", "0", "1")
    assert r.exit_code == 0
    head = next(ln for ln in r.stdout.splitlines() if ln.lstrip().startswith("x "))
    assert "NumPy VJP(g)" in head and "torch VJP(g)" in head and "f'(x)" not in head
    assert "VJP(g): gᵀJ, the vector-Jacobian product with a seeded random upstream g" in r.stdout
    vjp = check("softmax", [-1.0, 0.0, 1.0]).numpy["vjp"]
    row = next(ln for ln in r.stdout.splitlines() if ln.split()[:1] == ["-1"])
    assert f"{vjp[0]:.10g}" in row.split()  # the random-upstream VJP, not the all-ones one (0 for softmax)


def test_an_elementwise_activation_still_shows_f_prime_and_no_vector_legend(run):
    r = run("sigmoid", "-1", "0", "1")
    assert "NumPy f'(x)" in r.stdout and "VJP(g)" not in r.stdout


def test_the_plot_of_a_vector_activation_draws_its_vjp_with_g_labelled_as_such():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from actcheck.plot import _panel, grid_for

    act = lookup("softmax")
    result = check("softmax", grid_for(act, {}))
    fig, (ax_f, ax_err) = plt.subplots(2)
    _panel(ax_f, ax_err, result, act, compact=False)
    lines = {ln.get_label(): ln for ln in ax_f.get_lines()}
    assert {"NumPy VJP(g)", "torch VJP(g)"} <= set(lines) and "NumPy f'" not in lines
    assert np.allclose(lines["NumPy VJP(g)"].get_ydata(), result.numpy["vjp"])
    assert "VJP(g) = gᵀJ" in ax_f.get_title()
    plt.close(fig)


def test_glu_is_plotted_on_an_even_grid_whose_halves_match():
    from actcheck.plot import grid_for

    x = grid_for(lookup("glu"), {})
    n = x.size // 2
    assert x.size % 2 == 0 and np.array_equal(x[:n], x[n:])
