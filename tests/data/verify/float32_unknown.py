"""Activations torch does not have, written in float32: judged by finite differences of their own forward in
float32 (longer steps; curvature is not taken for a kink, a real kink still is)."""
import numpy as np

F = np.float32


def siren(x):
    return np.sin(F(30) * np.asarray(x, dtype=F))


def siren_prime(x):
    return F(30) * np.cos(F(30) * np.asarray(x, dtype=F))


def wiggle(x):
    x = np.asarray(x, dtype=F)
    return x + np.sin(F(7) * x) / F(7)


def wiggle_prime(x):
    return F(1) + np.cos(F(7) * np.asarray(x, dtype=F))


def kinky(x):
    x = np.asarray(x, dtype=F)
    return np.where(x > F(0.37), F(2) * x - F(0.37), x) + np.sin(x) / F(3)


def kinky_prime(x):
    x = np.asarray(x, dtype=F)
    return np.where(x > F(0.37), F(2), F(1)) + np.cos(x) / F(3)


def bent(x):
    x = np.asarray(x, dtype=F)
    return np.where(x > F(0.37), F(2) * x - F(0.37), x) + np.sin(x) / F(3)


def bent_prime(x):
    x = np.asarray(x, dtype=F)
    return np.where(x > F(0.37), F(2), F(1)) + np.cos(x) / F(3.2)  # 3.2 for 3
