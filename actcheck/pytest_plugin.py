"""The pytest plugin: ``pytest --actcheck path/`` makes each activation pair in the .py files and notebooks
under path a test item, named for the pair, failing with actcheck's diagnosis.

Without ``--actcheck`` it does nothing and imports nothing beyond pytest. Collection loads
each file in a child process only to list its pairs (no torch); the first item of a file
checks the whole file (as ``actcheck verify`` does, within the ``timeout`` of ``[tool.actcheck]``)
and the rest read that report. Every
process (each pytest-xdist worker) does this on its own: nothing is shared between them.
"""

import pytest

__all__ = ["pytest_addoption", "pytest_collect_file"]

_SUFFIXES = (".py", ".ipynb")


def pytest_addoption(parser):
    group = parser.getgroup("actcheck", "actcheck: activation gradients")
    group.addoption(
        "--actcheck",
        action="store_true",
        default=False,
        help="Check the activation pairs (a forward with its derivative) in .py files and notebooks: a test each.",
    )


def pytest_collect_file(file_path, parent):
    if not parent.config.getoption("actcheck") or file_path.suffix.lower() not in _SUFFIXES:
        return None
    name = file_path.name
    if name == "conftest.py" or name.startswith("test_") or file_path.stem.endswith("_test"):
        return None  # pytest's own files: tests, not activations
    return ActcheckFile.from_parent(parent, path=file_path)


class ActcheckFile(pytest.File):
    """A user's file: one item per pair in it."""

    _report = None

    def collect(self):
        from .verification.checking import pairs_in

        for label, lines in pairs_in(self.path, timeout=_timeout(self.path)):
            yield ActcheckItem.from_parent(self, name=label, line=lines.get("forward"))

    def report(self):
        """The file's VerifyReport (or the InputError saying why there is none), made once per process."""
        if self._report is None:
            from .errors import InputError
            from .verification import verify

            try:
                self._report = verify(self.path, timeout=_timeout(self.path))
            except InputError as e:
                self._report = e
        return self._report

    def repr_failure(self, excinfo):
        from .errors import InputError

        if isinstance(excinfo.value, InputError):
            return f"actcheck: {excinfo.value}"
        return super().repr_failure(excinfo)


def _timeout(path):
    """The time limit for a file's code: [tool.actcheck] timeout of the project it is in, or verify's default."""
    from .config import load
    from .verification import DEFAULT_TIMEOUT

    return load(path.parent).get("timeout", DEFAULT_TIMEOUT)


class PairFailed(Exception):
    """A pair that actcheck found wrong (its diagnosis is the message)."""


class ActcheckItem(pytest.Item):
    """One pair of a user's file."""

    def __init__(self, *, line=None, **kw):
        super().__init__(**kw)
        self.line = line

    def runtest(self):
        from .testing import failure_text

        report = self.parent.report()
        if isinstance(report, Exception):
            from .verification import NothingToCheck

            if isinstance(report, NothingToCheck):  # every pair was set aside (a loss, an abstract base...)
                pytest.skip(str(report))
            raise PairFailed(f"actcheck: {report}")
        result = next((r for r in report.results if r.name == self.name), None)
        if result is None:
            reason = next((s.reason for s in report.skipped if s.name == self.name.split(" (")[0]), "not checked")
            pytest.skip(f"{self.name}: {reason}")
        if not result.passed:
            raise PairFailed(failure_text(result))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, PairFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        where = f" ({self.path.name} line {self.line})" if self.line else ""
        return self.path, None if self.line is None else self.line - 1, f"activation pair {self.name}{where}"
