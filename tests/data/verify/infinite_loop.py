import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)


# train until the loss is small enough (it never gets there: the target is unreachable)
X = np.array([[0.0, 1.0], [1.0, 0.0]])
y = np.array([[2.0], [3.0]])  # sigmoid outputs can never reach these
w = np.zeros((2, 1))
loss = np.inf
epoch = 0
while loss > 1e-6:
    out = sigmoid(X @ w)
    loss = float(np.mean((out - y) ** 2))
    w -= 0.1 * X.T @ ((out - y) * sigmoid_derivative(X @ w))
    epoch += 1
print("converged after", epoch, "epochs")
