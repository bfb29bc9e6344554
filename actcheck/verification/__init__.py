"""``actcheck verify FILE``: find the activation pairs people write, run them in isolation, and judge them.

A file (.py or .ipynb) is loaded in a child process (``isolation``, ``worker``): its stdin
closed, its output captured, a time limit on the whole. There the pairs are found
(``naming``, ``discovery``) and called whatever their convention (``conventions``,
``calling``); here their values are judged against torch (a known activation) or finite
differences of their own forward (``judging``, ``vector``, ``params``), and a failure
names the slip (``diagnosis``).
"""

from .checking import DEFAULT_TIMEOUT, check_pair, verify
from .outcome import PairResult, Skipped, VerifyReport

__all__ = ["verify", "check_pair", "PairResult", "Skipped", "VerifyReport", "DEFAULT_TIMEOUT"]
