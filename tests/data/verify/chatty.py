import numpy as np

print("loading activations...")
for epoch in range(2000):
    print(f"epoch {epoch:4d}  loss {1.0 / (epoch + 1):.6f}  acc {min(1.0, epoch / 1500):.3f}")


def tanh(x):
    print("tanh forward on", np.shape(x))
    return np.tanh(x)


def tanh_grad(x):
    print("tanh backward on", np.shape(x), "values:", x)
    return 1 - np.tanh(x) ** 2


def relu(x):
    print("{not rich markup} [bold]relu[/bold] forward", '{"json": "lookalike"}')
    return np.maximum(x, 0)


def relu_grad(x):
    return np.heaviside(x, 0.0)
