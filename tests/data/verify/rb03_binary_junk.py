import sys, os
import numpy as np
sys.stdout.buffer.write(bytes(range(256)))
os.write(1, b"\x00\xff\x1b[2J raw fd junk\n")

def relu(x):
    print("\x1b[31mred\x00", x[:2])
    return np.maximum(x, 0)

def relu_prime(x):
    return (x > 0) * 1.0
