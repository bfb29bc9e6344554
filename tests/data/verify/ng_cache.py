"""Helper functions for the deep neural network assignment.

Each activation returns A and a cache (Z) for the backward pass.
"""
import numpy as np


def sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    cache = Z
    return A, cache


def relu(Z):
    A = np.maximum(0, Z)
    cache = Z
    return A, cache


def tanh(Z):
    A = np.tanh(Z)
    return A, Z


def leaky_relu(Z):
    A = np.maximum(0.01 * Z, Z)
    return A, Z


def sigmoid_backward(dA, cache):
    Z = cache
    s = 1 / (1 + np.exp(-Z))
    dZ = dA * s * (1 - s)
    assert dZ.shape == Z.shape
    return dZ


def relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)  # just converting dz to a correct object.
    # When z <= 0, you should set dz to 0 as well.
    dZ[Z <= 0] = 0
    assert dZ.shape == Z.shape
    return dZ


def tanh_backward(dA, cache):
    Z = cache
    dZ = dA * (1 - np.tanh(Z))
    return dZ


def leaky_relu_backward(dA, cache):
    Z = cache
    dZ = np.array(dA, copy=True)
    dZ[Z <= 0] = 0.01
    return dZ
