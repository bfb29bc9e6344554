"""``actcheck verify FILE.py``: find the activation pairs people write, and check them.

This runs the user's code: the file is imported as a module (its directory on sys.path
only while it imports) with its output captured, then each forward/backward pair is
called on a grid. A pair named after a known activation is checked against torch; any
other against finite differences of its own forward.
"""

from .checking import check_pair, verify
from .discovery import Pair, discover
from .loading import load_module
from .outcome import PairResult, VerifyReport

__all__ = ["verify", "check_pair", "discover", "load_module", "Pair", "PairResult", "VerifyReport"]
