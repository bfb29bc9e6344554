import numpy


# softsign
def softsign(arg):
    return arg / (1 + numpy.abs(arg))


def softsignDerivative(arg):
    return 1 / (1 + numpy.abs(arg)) ** 2


# tanh
def tanh(arg):
    return numpy.tanh(arg)


def tanhDerivative(arg):
    return 1 - numpy.tanh(arg) ** 2


# elu
def elu(arg):
    return numpy.where(arg <= 0, numpy.exp(arg) - 1, arg)


def eluDerivative(arg):
    return numpy.where(arg <= 0, numpy.exp(arg), arg)


# leaky relu
def leakyRelu(arg):
    return numpy.where(arg > 0, arg, 0.01 * arg)


def leakyReluPrime(arg):
    return numpy.where(arg > 0, 1.0, 0.01)


# relu
def reLU(arg):
    return numpy.maximum(arg, 0)


def reluPrime(arg):
    return numpy.where(arg > 0, 1, 0)
