"""Messages between actcheck and the process running the user's code: length-prefixed JSON.

Plain data only (no pickle: nothing the user's code sends can run code here); float64
arrays travel as lists with their shape, non-finite values as JSON's NaN/Infinity.
"""

import json
import os
import struct

import numpy as np

__all__ = ["send", "receive", "Closed", "Garbled"]

_HEADER = struct.Struct("!Q")
_LARGEST = 1 << 32  # no message of ours comes near 4 GiB: a longer length is not ours


class Closed(Exception):
    """The other end has gone (the process ended)."""


class Garbled(Exception):
    """What came is not a message of ours (something else wrote on the pipe)."""


def _default(obj):
    if isinstance(obj, np.ndarray):
        return {"__array__": np.asarray(obj, dtype=np.float64).ravel().tolist(), "shape": list(obj.shape)}
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"cannot send {type(obj).__name__}")


def _hook(d):
    if "__array__" in d:
        return np.array(d["__array__"], dtype=np.float64).reshape(d["shape"])
    return d


def send(fd, obj):
    """Write one message."""
    data = json.dumps(obj, default=_default).encode()
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd, n, wait):
    chunks, left = [], n
    while left:
        if wait is not None:
            wait(fd)
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise Closed()
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd, wait=None):
    """Read one message; ``wait(fd)`` is called before each read (to bound the time spent waiting)."""
    (n,) = _HEADER.unpack(_read(fd, _HEADER.size, wait))
    if n > _LARGEST:
        raise Garbled(f"a message of {n} bytes")
    try:
        msg = json.loads(_read(fd, n, wait), object_hook=_hook)
    except (ValueError, RecursionError, KeyError, TypeError) as e:  # not JSON, not UTF-8, a bad array
        raise Garbled(type(e).__name__) from None
    if not isinstance(msg, dict):
        raise Garbled(f"a {type(msg).__name__}, not a message")
    return msg
