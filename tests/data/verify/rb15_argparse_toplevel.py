"""A training script that parses options at module level (all optional, with defaults)."""
import argparse
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--alpha", type=float, default=0.01)
args = parser.parse_args()

def leaky_relu(x, alpha=args.alpha):
    return np.where(x > 0, x, alpha * x)

def leaky_relu_prime(x, alpha=args.alpha):
    return np.where(x > 0, 1.0, alpha)
