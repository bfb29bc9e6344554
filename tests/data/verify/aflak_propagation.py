"""Omar Aflak's layers: forward_propagation(input) and backward_propagation(output_error, learning_rate)."""
import numpy as np

class Layer:
    def __init__(self):
        self.input = None
        self.output = None

    def forward_propagation(self, input):
        raise NotImplementedError

    def backward_propagation(self, output_error, learning_rate):
        raise NotImplementedError


class TanhLayer(Layer):
    def forward_propagation(self, input_data):
        self.input = input_data
        self.output = np.tanh(self.input)
        return self.output

    def backward_propagation(self, output_error, learning_rate):
        return (1 - np.tanh(self.input) ** 2) * output_error
