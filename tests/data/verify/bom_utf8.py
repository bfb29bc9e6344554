"""Fonctions d'activation — écrites pour le cours « Réseaux de neurones ».

σ(x) = 1 / (1 + e^(−x)),  σ′(x) = σ(x)·(1 − σ(x))
"""
import numpy as np


def sigmoïde_doc():
    return "σ"


def sigmoid(x):
    return 1 / (1 + np.exp(-x))  # σ


def sigmoid_derivee_ok(x):  # pas une paire : « derivee » n'est pas un marqueur
    return sigmoid(x) * (1 - sigmoid(x))


def sigmoid_derivative(x):
    s = sigmoid(x)
    return s * (1 - s)  # σ′


def relu(x):
    return np.maximum(0.0, x)  # max(0, x) — « rectifieur »


def relu_derivative(x):
    return (x > 0).astype(float)
