import os

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from actcheck.cli import app


@pytest.fixture
def run():
    """Invoke the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


# CI explores the same examples every run (a new failure shows up locally first, not as a flaky landing)
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
