import json
import os
import sys

import numpy as np

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "act_config.json")


class Swish:
    def __init__(self, beta=1.0):
        if not os.path.exists(CONFIG):
            sys.exit(f"config file {CONFIG} is missing")
        with open(CONFIG) as f:
            self.beta = json.load(f).get("beta", beta)

    def forward(self, x):
        self.x = x
        self.s = 1 / (1 + np.exp(-self.beta * x))
        return x * self.s

    def backward(self, dout):
        s = self.s
        return dout * (s + self.beta * self.x * s * (1 - s))


class Softsign:
    def forward(self, x):
        self.x = x
        return x / (1 + np.abs(x))

    def backward(self, dout):
        return dout / (1 + np.abs(self.x)) ** 2
