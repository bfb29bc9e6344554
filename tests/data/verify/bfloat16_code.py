"""Code in bfloat16 (ml_dtypes): judged in bfloat16, not refused as strings; a 1.1 for 1 still fails."""
import numpy as np
import ml_dtypes

def sigmoid(x):
    x = np.asarray(x).astype(ml_dtypes.bfloat16)
    return (1 / (1 + np.exp(-x.astype(np.float32)))).astype(ml_dtypes.bfloat16)

def sigmoid_prime(x):
    s = sigmoid(x).astype(np.float32)
    return (s * (1.1 - s))  # 1.1 for 1.astype(ml_dtypes.bfloat16)

def softmax(x):
    x = np.asarray(x).astype(ml_dtypes.bfloat16).astype(np.float32)
    e = np.exp(x - x.max())
    return (e / e.sum()).astype(ml_dtypes.bfloat16)

def softmax_backward(dout, x):
    s = softmax(x).astype(np.float32)
    return (s * (dout - np.sum(dout * s))).astype(ml_dtypes.bfloat16)
