"""How verify reads names: derivatives paired with forwards by the normalised-name rule, and what parameters hold."""

import pytest

from actcheck.verification.naming import activation_for, is_flag, pair_functions, role, says_output


@pytest.mark.parametrize(
    ("names", "pairs"),
    [
        (["sigmoid", "dsigmoid"], [("sigmoid", "dsigmoid")]),
        (["Tanh", "dTanh"], [("Tanh", "dTanh")]),
        (["reLU", "reluPrime"], [("reLU", "reluPrime")]),
        (["softsign", "softsignDerivative"], [("softsign", "softsignDerivative")]),
        (["elu", "grad_elu"], [("elu", "grad_elu")]),
        (["selu", "backward_selu"], [("selu", "backward_selu")]),
        (["relu", "d_relu"], [("relu", "d_relu")]),
        (["hardtanh", "hardtanh_bwd"], [("hardtanh", "hardtanh_bwd")]),
        (["tanh", "tanh_deriv"], [("tanh", "tanh_deriv")]),
        (["isru", "isru_gradient"], [("isru", "isru_gradient")]),
        (["leaky_relu", "leaky_relu_grad"], [("leaky_relu", "leaky_relu_grad")]),
        (["leakyRelu", "leakyReluPrime"], [("leakyRelu", "leakyReluPrime")]),
        (["relu_forward", "relu", "relu_backward"], [("relu_forward", "relu_backward")]),
        (["sigmoid", "deriv_sigmoid"], [("sigmoid", "deriv_sigmoid")]),
        (["sigmoid", "sigmoid_der"], [("sigmoid", "sigmoid_der")]),
        (["sigmoid", "sigmoid_output_to_derivative"], [("sigmoid", "sigmoid_output_to_derivative")]),
        (["sigmoid", "gradient_sigmoid"], [("sigmoid", "gradient_sigmoid")]),
        (["sigmoid", "sigmoid_first_derivative"], [("sigmoid", "sigmoid_first_derivative")]),
        (["sigmoid", "sigmoid_d"], [("sigmoid", "sigmoid_d")]),
        (["relu", "relu2deriv"], [("relu", "relu2deriv")]),
        (["sigmoid_fn", "sigmoid_derivative_fn"], [("sigmoid_fn", "sigmoid_derivative_fn")]),
        (["tanh", "d_tanh_dx"], [("tanh", "d_tanh_dx")]),
        (["softplus", "derivative_softplus"], [("softplus", "derivative_softplus")]),
        (["elu", "elu_diff"], [("elu", "elu_diff")]),
    ],
)
def test_every_derivative_marker_pairs_with_its_forward(names, pairs):
    assert pair_functions(names) == pairs


def test_a_name_read_two_ways_means_the_pairing_that_exists():
    # d + elu beside elu: delu is elu's derivative; relu and selu end in "elu" but carry no marker
    names = ["elu", "delu", "selu", "dselu", "relu", "drelu"]
    assert sorted(pair_functions(names)) == [("elu", "delu"), ("relu", "drelu"), ("selu", "dselu")]
    # with no elu in the file, delu is a forward with a derivative of its own
    assert pair_functions(["delu", "delu_prime"]) == [("delu", "delu_prime")]
    # elu, delu and delu_prime read as f, f' and f'': both pairs; beside elu_prime, delu is a forward alone
    assert pair_functions(["elu", "delu", "delu_prime"]) == [("elu", "delu"), ("delu", "delu_prime")]
    assert pair_functions(["elu", "elu_prime", "delu", "delu_prime"]) == [("elu", "elu_prime"), ("delu", "delu_prime")]


@pytest.mark.parametrize(
    "names",
    [
        ["sigmoid", "sigmoid_prime", "sigmoid_prime_prime"],
        ["tanh", "dtanh", "ddtanh"],
        ["gelu", "gelu_grad", "gelu_grad_grad"],
    ],
)
def test_a_first_derivative_beside_a_second_pairs_with_its_forward_and_with_the_second(names):
    f, d1, d2 = names
    assert sorted(pair_functions(names)) == sorted([(f, d1), (d1, d2)])


def test_words_that_are_not_markers_pair_nothing():
    assert pair_functions(["sigmoid", "sigmoid_derivee_ok", "tanh", "tanh_derivada", "cost", "train"]) == []


@pytest.mark.parametrize(
    ("param", "holds"),
    [("dA", "upstream"), ("dout", "upstream"), ("dvalues", "upstream"), ("grad_output", "upstream"),
     ("delta", "upstream"), ("y", "output"), ("A", "output"), ("out", "output"), ("activation", "output"),
     ("x", "input"), ("Z", "input"), ("inputs", "input"), ("cache", "cache"), ("data", None), ("h", None)],
)  # fmt: skip
def test_parameter_names_say_what_they_hold(param, holds):
    assert role(param) == holds


def test_a_docstring_can_say_the_argument_is_the_output():
    def sigmoid_prime(z):
        """Derivative, where z = sigmoid(x) is the activation computed in the forward pass."""

    def elu_prime(x):
        """Derivative of ELU with respect to its input x."""

    assert says_output(sigmoid_prime, "z") and not says_output(elu_prime, "x")
    assert says_output(lambda y: y, "y") and not says_output(lambda x: x, "x")


def test_flags_are_switches_off_by_default_named_for_a_derivative():
    assert all(is_flag(n, False) for n in ("derivative", "deriv", "grad", "prime", "backward", "return_grad"))
    assert is_flag("derivative", 0) and is_flag("deriv", None)  # sigmoid(x, derivative=0), softsign(x, deriv=None)
    assert not is_flag("training", False) and not is_flag("derivative", True) and not is_flag("derivative", 0.5)


@pytest.mark.parametrize(
    ("name", "activation"),
    [("Activation_ReLU", "relu"), ("SigmoidLayer", "sigmoid"), ("Activations.leaky_relu", "leaky_relu"),
     ("leakyRelu", "leaky_relu"), ("TanH", "tanh"), ("Swish", "silu"), ("nonlin", None),
     # public code: EfficientNet-PyTorch, mish-cuda, Megatron-LM
     ("SwishImplementation", "silu"), ("MemoryEfficientSwish", "silu"), ("MishAutoFn", "mish"),
     ("bias_gelu_impl", "gelu"), ("openai_gelu", "gelu"), ("autograd_fn", None), ("impl", None)],
)  # fmt: skip
def test_names_find_their_activation(name, activation):
    act = activation_for(name)
    assert (act.name if act else None) == activation
