"""Shared numerics for uses_sibling_module.py (no activation pairs here)."""
import numpy as np


def stable_exp_neg(x):
    return np.exp(-np.abs(x))


def logistic(x):
    e = stable_exp_neg(x)
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
