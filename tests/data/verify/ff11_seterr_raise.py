"""Global np.seterr(over='raise') with a fallback on FloatingPointError: correct under plain Python."""
import numpy as np
np.seterr(over="raise")

def softplus(x):
    try:
        return np.log1p(np.exp(x))
    except FloatingPointError:
        return np.logaddexp(0, x)

def softplus_prime(x):
    try:
        return 1 / (1 + np.exp(-x))
    except FloatingPointError:
        return np.exp(-np.logaddexp(0, -x))

if __name__ == "__main__":
    x = np.array([-750.0, 0.0, 750.0, 1e4])
    print(softplus(x), softplus_prime(x))
