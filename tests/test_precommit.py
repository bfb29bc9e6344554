"""The pre-commit hook (.pre-commit-hooks.yaml): a valid manifest whose entry verifies the changed files that define
activations and passes over the others."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

MANIFEST = Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml"
# pre-commit's manifest keys (pre_commit/clientlib.py): the first four are required
REQUIRED = {"id", "name", "entry", "language"}
KNOWN = REQUIRED | {
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "additional_dependencies", "args",
    "always_run", "fail_fast", "pass_filenames", "description", "language_version", "log_file",
    "minimum_pre_commit_version", "require_serial", "stages", "verbose",
}  # fmt: skip

SLIPPED = "import numpy as np\ndef tanh(x):\n    return np.tanh(x)\ndef tanh_grad(x):\n    return 1 - np.tanh(x)\n"
RIGHT = "import numpy as np\ndef tanh(x):\n    return np.tanh(x)\ndef tanh_grad(x):\n    return 1 - np.tanh(x) ** 2\n"
NONE = "import numpy as np\nSCALE = np.float64(2.0)\n"


@pytest.fixture(scope="module")
def hook():
    (hook,) = yaml.safe_load(MANIFEST.read_text())
    return hook


def test_the_manifest_is_one_valid_hook_for_python_files_and_notebooks(hook):
    assert REQUIRED <= set(hook) <= KNOWN
    assert hook["id"] == "actcheck-verify" and hook["language"] == "python"
    assert set(hook["types_or"]) == {"python", "jupyter"}
    exclude = re.compile(hook["exclude"])
    assert [p for p in ("tests/test_acts.py", "conftest.py", "pkg/acts_test.py") if exclude.search(p)] == [
        "tests/test_acts.py",
        "conftest.py",
        "pkg/acts_test.py",
    ]
    assert not exclude.search("pkg/activations.py") and not exclude.search("notebooks/acts.ipynb")


def _argv(hook, files):
    """The command pre-commit runs: the entry, its args, then the changed files (actcheck as this Python's)."""
    argv = shlex.split(hook["entry"]) + list(hook.get("args", [])) + [str(f) for f in files]
    assert argv[:2] == ["actcheck", "verify"]
    return argv


def test_the_hook_fails_on_a_slipped_pair_and_passes_over_files_without_one(hook, tmp_path):
    files = []
    for name, text in (("slipped.py", SLIPPED), ("right.py", RIGHT), ("constants.py", NONE)):
        files.append(tmp_path / name)
        files[-1].write_text(text)
    argv = _argv(hook, files)
    done = subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "the square is missing" in done.stdout and done.stderr == ""


def test_the_hook_passes_when_every_changed_file_is_right_or_defines_no_pair(hook, tmp_path, run):
    (tmp_path / "right.py").write_text(RIGHT)
    (tmp_path / "constants.py").write_text(NONE)
    argv = _argv(hook, [tmp_path / "right.py", tmp_path / "constants.py"])
    r = run(*argv[1:])
    assert r.exit_code == 0, r.stderr
    lone = run(*_argv(hook, [tmp_path / "constants.py"])[1:])
    assert lone.exit_code == 0 and lone.stdout == ""
