import numpy as np

def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()

def softmax_grad(s):
    """Jacobian of softmax given its output s."""
    s = s.reshape(-1, 1)
    return np.diagflat(s) - s @ s.T

def log_softmax(x):
    m = np.max(x)
    return x - m - np.log(np.sum(np.exp(x - m)))

def log_softmax_backward(dout, x):
    return dout - np.exp(log_softmax(x)) * np.sum(dout)

def softmin(x, temperature=1.0):
    z = -x / temperature
    e = np.exp(z - z.max())
    return e / e.sum()

def softmin_backward(dout, x, temperature=1.0):
    s = softmin(x, temperature)
    return -(s * (dout - np.sum(dout * s))) / temperature
