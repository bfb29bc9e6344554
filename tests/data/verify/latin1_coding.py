# -*- coding: latin-1 -*-
"""Funciones de activación (versión de clase, año 2016).

Autor: José Pérez -- ¡no modificar!
"""
import numpy as np


def tanh(x):
    """Tangente hiperbólica."""
    return np.tanh(x)


def tanh_derivada(x):
    """Derivada (nombre en español: no es un marcador reconocido)."""
    return 1 - np.tanh(x) ** 2


def tanh_prime(x):
    """Derivada de la tangente hiperbólica."""
    return 1 - np.tanh(x) ** 2


def softplus(x):
    """Función softplus: log(1 + e^x) -- versión «ingenua»."""
    return np.log(1 + np.exp(x))


def softplus_prime(x):
    """Derivada de softplus = sigmoide."""
    return 1 / (1 + np.exp(-x))
