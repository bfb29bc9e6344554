"""A hostile world: nonsense never passes, nothing dies with a traceback, output is never silently lost.

One class per section of issue 14: numbers and grids that mean nothing, extreme points, output
that cannot be written, report files, the Python API, and the smaller things. Subprocesses where
the real process matters (closed descriptors, pipes, signals, encodings); CliRunner elsewhere.
"""

import json
import math
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from decimal import Decimal
from xml.etree import ElementTree as ET

import numpy as np
import pytest

import actcheck
from actcheck import grids, report, serialize
from actcheck.dtypes import DTYPES
from actcheck.errors import InputError
from actcheck.files import write_atomic
from actcheck.registry import ACTIVATIONS

ACT = [sys.executable, "-m", "actcheck"]
# a check that fails: torch's float64 hardsigmoid' uses a float32 1/6, a deviation --strict judges
FAILING = ["hardsigmoid", "1", "--rtol", "0", "--atol", "0", "--strict"]


def _one_line_exit_two(r, message):
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr


# ---------------------------------------------------------------- numbers and grids that mean nothing


class TestNumbersAndGridsThatMeanNothing:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["relu", "--linspace", "nan", "nan", "5"], "--linspace needs finite bounds"),
            (["relu", "--random", "5", "--range", "nan", "1"], "--range needs finite bounds"),
            (["relu", "--linspace", "-inf", "inf", "5"], "--linspace needs finite bounds"),
            (["relu", "--linspace", "-1", "1", "0"], "--linspace needs N >= 1"),
            (["relu", "--random", "0"], "--random needs N >= 1"),
            (["relu", "--linspace", "-1", "1", "1000000000000"], "points cannot fit: at most"),
            (["relu", "--random", "10000000000"], "points cannot fit: at most"),
            (["relu", "--random", "5", "--seed", "-1"], "--seed"),
            (["relu", "--random", "5", "--range", "-inf", "inf"], "--range needs finite bounds"),
            (["relu", "--random", "5", "--range", "0", "inf"], "--range needs finite bounds"),
            (["relu", "--random", "5", "--range", "2", "1"], "--range needs LO <= HI"),
            (["relu", "--range", "0", "1", "1"], "--range goes with --random"),
            (["relu", "1", "--rtol", "nan", "--json"], "--rtol must be finite and non-negative"),
            (["relu", "1", "--atol", "nan", "--json"], "--atol must be finite and non-negative"),
            (["relu", "1", "--rtol", "inf"], "--rtol must be finite and non-negative"),
            (["relu", "1", "--atol", "-1e-9"], "--atol must be finite and non-negative"),
            (["relu", "1e400"], "1e400 is beyond float64's range (largest finite 1.79769e+308)"),
            (["relu", "--dtype", "float16", "70000"], "70000 is beyond float16's range (largest finite 65504)"),
            (["relu", "--dtype", "bfloat16", "1e39"], "beyond bfloat16's range (largest finite 3.38953e+38)"),
            (["relu", "--dtype", "float16", "--linspace", "0", "1e5", "3"], "largest finite 65504"),
            (["celu", "--alpha", "1e100", "1"], "celu: torch cannot take alpha=1e+100 in float64"),
            (["elu", "--alpha", "1e100", "--dtype", "float32", "1"], "torch cannot take alpha=1e+100 in float32"),
            (["accuracy", "celu", "--alpha", "1e100", "--dtype", "float16"], "torch cannot take alpha=1e+100"),
            (["relu", "--dtype", "float16", "--random", "3", "--range", "-1e5", "0"], "largest finite 65504"),
            (["all", "--linspace", "-1", "1", "1"], "glu needs an even number of points, at least 2"),
            (["all", "--random", "1"], "glu needs an even number of points, at least 2"),
            (["relu", "1", "--junit", ""], "a file path is needed"),
            (["relu", "--dtype", "float32", "--dtype", "float8", "1"], "unknown dtype 'float8'"),
        ],
    )
    def test_nonsense_is_one_line_and_exit_two(self, run, args, message):
        _one_line_exit_two(run(*args), message)

    @pytest.mark.parametrize("text", ["1e400\n", "1 -1e999 2\n"])
    def test_stdin_values_beyond_float64_are_refused(self, run, text):
        _one_line_exit_two(run("tanh", "-", input=text), "beyond float64's range")

    @pytest.mark.filterwarnings("error")
    def test_a_span_beyond_float64_is_spaced_without_overflow(self, run):
        r = run("relu", "--linspace", "-1.7e308", "1.7e308", "5", "--json")
        assert r.exit_code == 0, r.output
        xs = np.array([p["x"] for p in json.loads(r.stdout)["points"]])
        assert xs[0] == -1.7e308 and xs[-1] == 1.7e308 and xs[2] == 0.0
        assert np.allclose(np.diff(xs / 1e308), 0.85, rtol=1e-14, atol=0)

    def test_an_unknown_dtype_is_refused_before_any_work(self, run, monkeypatch):
        calls = []
        monkeypatch.setattr("actcheck.engine.check", lambda *a, **k: calls.append(a))
        _one_line_exit_two(run("all", "--dtype", "float64", "--dtype", "float80"), "unknown dtype 'float80'")
        assert calls == []

    def test_dtype_given_twice_on_one_activation_checks_both(self, run):
        r = run("sigmoid", "1", "--dtype", "float32", "--dtype", "float16", "--json")
        assert r.exit_code == 0, r.output
        d = json.loads(r.stdout)
        assert d["passed"] and [res["dtype"] for res in d["results"]] == ["float32", "float16"]
        table = run("sigmoid", "1", "--dtype", "float32", "--dtype", "float16").stdout
        assert "sigmoid() · float32" in table and "sigmoid() · float16" in table

    def test_the_size_limit_follows_available_memory(self, run, monkeypatch):
        monkeypatch.setattr(grids, "available_memory", lambda: 2**30)
        assert grids.max_points() == 2**30 // grids.BYTES_PER_POINT == 2_097_152
        _one_line_exit_two(run("relu", "--linspace", "0", "1", "2097153"), "at most 2,097,152 here")

    def test_odd_grids_check_glu_on_an_even_count_and_say_so(self, run):
        d = json.loads(run("all", "--linspace", "-1", "1", "3", "--json").stdout)
        glu = next(res for res in d["results"] if res["activation"] == "glu")
        assert glu["n_points"] == 2 and any("first 2 of 3 points" in n for n in glu["notes"])


# ---------------------------------------------------------------- extreme points

EXTREMES = [1e308, -1e308, 1e154, -1e154, 1e20, -1e20, 1e-320, -1e-320, math.inf, -math.inf, math.nan]


def _within(values, dt):
    """The extremes, those beyond the dtype's range replaced by its largest finite value."""
    top = float(dt.finfo().max)
    return [v if not math.isfinite(v) else max(-top, min(top, v)) for v in values]


class TestExtremePoints:
    @pytest.mark.parametrize("dtype", list(DTYPES))
    def test_every_activation_with_the_oracle_at_order_two_at_the_extremes(self, dtype):
        dt = DTYPES[dtype]
        for name in ACTIVATIONS:
            x = _within(EXTREMES, dt)
            x = x[:10] if name == "glu" else x  # glu halves an even length
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                r = actcheck.check(name, x, dtype=dtype, order=2, oracle=True)
                text = report.dumps(serialize.result_to_dict(r))
            assert caught == [], (name, [str(w.message) for w in caught])
            assert json.loads(text)["n_points"] == len(x), name

    @pytest.mark.parametrize("dtype", list(DTYPES))
    def test_values_beyond_the_dtype_are_refused_with_its_largest_value(self, dtype):
        top = float(DTYPES[dtype].finfo().max)
        with pytest.raises(InputError, match=_re(f"beyond {dtype}'s range (largest finite {top:g})")):
            actcheck.check("relu", [1.0, -2 * top if dtype != "float64" else -(10**400)], dtype=dtype)

    def test_gelu_oracle_far_in_the_negative_tail(self, run):
        r = run("gelu", "--oracle", "--json", "--", "-1e200", "-1e300")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["passed"] is True

    @pytest.mark.filterwarnings("error")
    def test_plot_over_the_whole_float64_line(self, run, tmp_path):
        out = tmp_path / "h.png"
        r = run("plot", "sigmoid", "relu", "--out", out, "--range", "-1e308", "1e308")
        assert r.exit_code == 0, r.output
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--range", "-inf", "inf"], "--range needs finite bounds"),
            (["--range", "nan", "1"], "--range needs finite bounds"),
            (["--range", "-1e5", "1e5", "--dtype", "float16"], "largest finite 65504"),
            (["--range", "1", "1"], "--range needs LO < HI"),
            (["--dtype", "float8"], "unknown dtype"),
        ],
    )
    def test_plot_ranges_that_mean_nothing_are_refused(self, run, tmp_path, args, message):
        _one_line_exit_two(run("plot", "sigmoid", "--out", tmp_path / "p.png", *args), message)
        assert not (tmp_path / "p.png").exists()


# ---------------------------------------------------------------- output that cannot be written


def _shell(redirect, *args, **kw):
    """Run actcheck with a shell redirection applied first (closing a descriptor, /dev/full)."""
    return subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", *ACT, *args], capture_output=True, **kw)


_C_LOCALE = {"LANG": "C", "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": ""}


class TestOutputThatCannotBeWritten:
    @pytest.mark.parametrize("args", [["list", "--json"], ["list"], ["--version"]])
    def test_closed_stdout_is_exit_74_with_one_line(self, args):
        p = _shell(">&-", *args)
        assert p.returncode == 74
        assert p.stderr.decode().strip() == "actcheck: error: cannot write to standard output: it is closed"

    def test_closed_stdout_is_fine_when_nothing_is_written(self, tmp_path):
        p = _shell(">&-", "relu", "1", "-q", "--junit", str(tmp_path / "r.xml"))
        assert p.returncode == 0 and p.stderr == b""
        assert ET.parse(tmp_path / "r.xml").getroot().find("testsuite").get("tests") == "1"

    @pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
    @pytest.mark.parametrize("args", [["list", "--json"], FAILING])
    def test_stdout_on_a_full_disk_is_exit_74(self, args):
        # the second fails its check: a lost table is 74, never the 1 of a failed check
        p = _shell(">/dev/full", *args)
        assert p.returncode == 74
        assert p.stderr.decode().strip() == "actcheck: error: cannot write to standard output: No space left on device"

    @pytest.mark.parametrize("args", [["list", "--json"], FAILING])
    def test_a_pipe_closed_early_ends_quietly_with_141(self, args):
        p = subprocess.Popen([*ACT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.close()  # the reader goes away before anything is written, as `| head -c 0` would
        err = p.stderr.read()
        assert p.wait() == 141 and err == b""

    def test_a_pipe_closed_after_ten_bytes_loses_the_json_and_says_141(self):
        p = subprocess.Popen(
            [*ACT, "relu", "--linspace", "-1", "1", "3000", "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert len(p.stdout.read(10)) == 10  # `| head -c 10`
        p.stdout.close()
        err = p.stderr.read()
        assert p.wait() == 141 and err == b""

    @pytest.mark.parametrize(
        ("env", "args"),
        [
            ({"PYTHONIOENCODING": "ascii"}, ["tanhshrink", "1e-3", "--oracle"]),
            (_C_LOCALE, ["list"]),
        ],
        ids=["ascii-check", "C-locale-list"],
    )
    def test_a_stdout_encoding_without_the_table_characters(self, env, args):
        p = subprocess.run([*ACT, *args], capture_output=True, env=os.environ | env)
        assert p.returncode == 0 and p.stderr == b""
        text = p.stdout.decode("ascii")  # every byte ASCII: nothing unencodable slipped through
        assert "PASS" in text or args == ["list"]
        assert "|" in text and ("max |d" in text or args != ["tanhshrink", "1e-3", "--oracle"])

    def test_stdin_bytes_that_are_not_utf8(self):
        p = subprocess.run([*ACT, "tanh", "-"], input=b"1 \xff\xfe 2\n", capture_output=True)
        assert p.returncode == 2 and p.stdout == b""
        assert p.stderr.decode().strip() == r"actcheck: error: line 1: not a number (nor UTF-8 text): b'\xff\xfe'"

    def test_closed_stdin(self):
        p = _shell("<&-", "tanh", "-")
        assert p.returncode == 2 and b"standard input" in p.stderr and b"Traceback" not in p.stderr

    @pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
    def test_a_report_file_on_a_full_disk_is_exit_74(self, run):
        r = run("relu", "1", "-q", "--junit", "/dev/full")
        assert (
            r.exit_code == 74
            and r.stderr.strip() == "actcheck: error: cannot write '/dev/full': No space left on device"
        )


# ---------------------------------------------------------------- report files


class TestReportFiles:
    def test_a_symlink_is_written_through_and_stays_a_link(self, run, tmp_path):
        target = tmp_path / "real.xml"
        target.write_text("old")
        link = tmp_path / "link.xml"
        link.symlink_to(target)
        assert run("relu", "1", "-q", "--junit", link).exit_code == 0
        assert link.is_symlink() and os.readlink(link) == str(target)
        assert ET.parse(target).getroot().tag == "testsuites"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["link.xml", "real.xml"]

    def test_a_dangling_symlink_creates_its_target(self, tmp_path):
        link = tmp_path / "link.png"
        link.symlink_to(tmp_path / "new.png")
        write_atomic(link, b"png")
        assert link.is_symlink() and (tmp_path / "new.png").read_bytes() == b"png"

    @pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
    def test_an_existing_file_keeps_its_permissions(self, tmp_path, mode):
        path = tmp_path / "r.xml"
        path.write_text("old")
        path.chmod(mode)
        write_atomic(path, "new")
        assert path.read_text() == "new" and stat.S_IMODE(path.stat().st_mode) == mode

    def test_a_new_file_follows_the_umask(self, tmp_path):
        old = os.umask(0o027)
        try:
            write_atomic(tmp_path / "r.xml", "new")
        finally:
            os.umask(old)
        assert stat.S_IMODE((tmp_path / "r.xml").stat().st_mode) == 0o640

    def test_a_fifo_is_written_directly_and_stays_a_fifo(self, run, tmp_path):
        fifo = tmp_path / "report.fifo"
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
        reader.start()
        r = run("relu", "1", "-q", "--junit", fifo)
        reader.join(10)
        assert r.exit_code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
        assert ET.fromstring(got[0]).tag == "testsuites"
        assert [p.name for p in tmp_path.iterdir()] == ["report.fifo"]

    def test_a_character_device_is_written_directly(self, monkeypatch):
        def no_rename(*a):
            raise AssertionError("a device must never be replaced by a rename")

        monkeypatch.setattr(os, "replace", no_rename)
        write_atomic(os.devnull, "discarded")
        assert stat.S_ISCHR(os.stat(os.devnull).st_mode)

    @pytest.mark.parametrize("path", ["", "."])
    def test_an_empty_path_or_a_directory_is_an_error(self, path):
        with pytest.raises(OSError):
            write_atomic(path, "x")

    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
    def test_a_signal_during_the_write_removes_the_temporary_file(self, tmp_path, sig):
        target = tmp_path / "r.xml"
        target.write_text("old")
        script = textwrap.dedent(
            """
            import os, sys, time
            from actcheck import files
            def slow(fd):
                print("writing", flush=True)
                time.sleep(30)
            os.fsync = slow
            files.write_atomic(sys.argv[1], "new")
            """
        )
        p = subprocess.Popen(
            [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert p.stdout.readline() == b"writing\n"
        assert len(list(tmp_path.iterdir())) == 2  # the temporary file is there
        time.sleep(0.1)
        p.send_signal(sig)
        code = p.wait(20)
        assert code == -sig  # ended by the signal, as without actcheck (SIGINT via KeyboardInterrupt)
        assert [f.name for f in tmp_path.iterdir()] == ["r.xml"] and target.read_text() == "old"

    def test_junit_escapes_what_xml_forbids(self):
        nasty = "boom \x00\x1b[31m red\x07 \udc80 \ufffe end"
        xml = report.junit_xml([("case\x00\x1b", "cls\x07", 0.0, nasty + "\nsecond line")], suite="s\x01")
        root = ET.fromstring(xml.encode("utf-8"))
        failure = root.find("testsuite/testcase/failure")
        assert failure.get("message") == r"boom \x00\x1b[31m red\x07 \udc80 \ufffe end"
        assert root.find("testsuite/testcase").get("name") == r"case\x00\x1b"

    def test_verify_junit_parses_when_user_code_raises_control_characters(self, run, tmp_path):
        user = tmp_path / "acts.py"
        user.write_text(
            "import numpy as np\n"
            "def relu_forward(x):\n    return np.maximum(0, x)\n"
            "def relu_backward(x):\n    raise ValueError('bad \\x00\\x1b[31m\\x07 \\udc80 news')\n"
        )
        xml = tmp_path / "v.xml"
        r = run("verify", user, "-q", "--junit", xml)
        assert r.exit_code == 1, r.output
        failure = ET.parse(xml).getroot().find("testsuite/testcase/failure")
        assert r"\x1b[31m" in failure.text and "\x1b" not in failure.text


# ---------------------------------------------------------------- the Python API


class TestPythonAPI:
    @pytest.mark.parametrize(
        ("args", "kwargs", "message"),
        [
            ((None, [1.0]), {}, "activation name must be a string"),
            (("relu", [1.0]), {"dtype": None}, "dtype must be"),
            (("relu", [1.0]), {"dtype": "int8"}, "unknown dtype 'int8'"),
            (("relu", [1.0]), {"dtype": np.int32}, "unknown dtype 'int32'"),
            (("relu", [1.0]), {"rtol": "a"}, "rtol must be a number"),
            (("relu", [1.0]), {"atol": float("nan")}, "atol must be finite and non-negative"),
            (("relu", [1.0]), {"rtol": float("inf")}, "rtol must be finite and non-negative"),
            (("relu", [1.0]), {"rtol": 10**400}, "rtol must be finite and non-negative"),
            (("elu", [1.0]), {"alpha": 10**400}, "alpha must be a finite number"),
            (("elu", [1.0]), {"alpha": float("nan")}, "alpha must be finite"),
            (("relu", [1.0]), {"order": 0}, "order must be 1 or 2"),
            (("relu", [1.0]), {"order": 3}, "order must be 1 or 2"),
            (("relu", [1.0]), {"order": 1.5}, "order must be 1 or 2"),
            (("relu", []), {}, "no values to check"),
            (("softmax", []), {}, "no values to check"),
            (("relu", np.zeros((0, 3))), {}, "no values to check"),
            (("relu", "1 2"), {}, "values must be numbers"),
            (("relu", [1j]), {}, "real numbers"),
            (("relu", [[1.0, 2.0], [3.0]]), {}, "values must be"),
            (("relu", [1.0, None]), {}, "values must be real numbers"),
            (("relu", [10**400]), {}, "beyond float64's range"),
            (("relu", [70000.0]), {"dtype": "float16"}, "70000 is beyond float16's range (largest finite 65504)"),
            (("glu", [1.0]), {}, "even number"),
            (("relu", [Decimal("1e400")]), {}, "beyond float64's range"),
            (("elu", [1.0]), {"alpha": "1e-3"}, "alpha must be a number, got '1e-3'"),
            (("elu", [1.0]), {"alpha": True}, "alpha must be a number, got True"),
            # parameters torch holds in a narrower scalar type than the dtype's
            (("celu", [-1.0, 1.0]), {"alpha": 1e100}, "torch cannot take alpha=1e+100 in float64"),
            (("leaky_relu", [1.0]), {"negative_slope": 1e100, "dtype": "float32"}, "torch cannot take"),
            (("hardtanh", [1.0]), {"max_val": 1e100, "dtype": "float16"}, "c10::Half without overflow"),
        ],
    )
    def test_bad_input_raises_input_error(self, args, kwargs, message):
        with pytest.raises(InputError, match=_re(message)):
            actcheck.check(*args, **kwargs)

    @pytest.mark.parametrize("dtype", ["float32", "FLOAT32", np.float32, np.dtype("float32"), "torch.float32"])
    def test_dtypes_by_name_numpy_or_torch(self, dtype):
        if dtype == "torch.float32":
            import torch

            dtype = torch.float32
        assert actcheck.check("sigmoid", [1.0], dtype=dtype).dtype == "float32"

    def test_bfloat16_by_torch_and_ml_dtypes(self):
        import ml_dtypes
        import torch

        assert actcheck.check("relu", [1.0], dtype=torch.bfloat16).dtype == "bfloat16"
        assert actcheck.check("relu", [1.0], dtype=ml_dtypes.bfloat16).dtype == "bfloat16"

    def test_a_numpy_dtype_does_not_import_torch(self):
        code = (
            "import sys, numpy\nfrom actcheck.inputs import dtype_name\n"
            "assert dtype_name(numpy.float32) == dtype_name('float32') == 'float32'\n"
            "assert 'torch' not in sys.modules\n"
        )
        subprocess.run([sys.executable, "-c", code], check=True)

    @pytest.mark.parametrize(
        "make",
        [
            lambda torch: [0.5, -1.0],
            lambda torch: (0.5, -1.0),
            lambda torch: np.array([0.5, -1.0]),
            lambda torch: np.array([[0.5], [-1.0]], dtype=np.float32),
            lambda torch: torch.tensor([0.5, -1.0], requires_grad=True),
            lambda torch: torch.tensor([0.5, -1.0], dtype=torch.bfloat16),
            lambda torch: [torch.tensor(0.5, requires_grad=True), torch.tensor(-1.0, requires_grad=True)],
        ],
        ids=["list", "tuple", "array", "2d-float32", "requires-grad", "bfloat16-tensor", "list-of-tensors"],
    )
    def test_inputs_of_every_kind(self, make):
        import torch

        r = actcheck.check("silu", make(torch))
        assert r.passed and r.x.tolist() == [0.5, -1.0]

    @pytest.mark.parametrize(
        "make",
        [
            lambda torch: 0.5,
            lambda torch: np.float64(0.5),
            lambda torch: np.array(0.5),
            lambda torch: torch.tensor(0.5),
        ],
        ids=["float", "numpy-scalar", "0-d-array", "0-d-tensor"],
    )
    def test_zero_dimensional_inputs(self, make):
        import torch

        r = actcheck.check("tanh", make(torch))
        assert r.passed and r.x.tolist() == [0.5]


def _re(text):
    import re

    return re.escape(text)


# ---------------------------------------------------------------- smaller


def _wait_until_checking(p, timeout=60):
    """Wait until the command runs: torch, imported only inside a command, is loaded (Linux's /proc)."""
    maps = f"/proc/{p.pid}/maps"
    if not os.path.exists(maps):
        pytest.skip("needs /proc")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and p.poll() is None:
        with open(maps) as f:
            if "libtorch" in f.read():
                return
        time.sleep(0.1)
    pytest.fail("the run never reached torch")


class TestSmaller:
    def test_bare_actcheck_prints_a_short_usage(self, run):
        r = run()
        assert r.exit_code == 2 and r.stdout == ""
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 2 and lines[0].startswith("Usage: actcheck NAME") and "--help" in lines[1]

    def test_no_resource_warning_from_our_files(self, tmp_path):
        env = os.environ | {"PYTHONWARNINGS": "default"}
        args = ["relu", "-", "--json", "--junit", str(tmp_path / "r.xml")]
        p = subprocess.run([*ACT, *args], input=b"1 2 3\n", capture_output=True, env=env)
        assert p.returncode == 0 and p.stderr == b""  # not a ResourceWarning, nor any other

    @pytest.mark.parametrize(
        "args",
        [["all", "-q", "--junit", "{tmp}/a.xml"], ["plot", "sigmoid", "tanh", "--out", "{tmp}/p.svg"]],
        ids=["all", "plot"],
    )
    def test_no_resource_warning_in_process(self, run, tmp_path, args):
        import gc

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert run(*[a.format(tmp=tmp_path) for a in args]).exit_code == 0
            gc.collect()  # an unclosed file warns when it is collected
        assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []

    def test_ctrl_c_during_a_run_is_exit_130_without_a_traceback(self, tmp_path):
        args = [
            "all",
            "--oracle",
            "--order",
            "2",
            "--linspace",
            "-5",
            "5",
            "5000",
            "-q",
            "--junit",
            str(tmp_path / "r.xml"),
        ]
        p = subprocess.Popen([*ACT, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_until_checking(p)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 130 and out == b"" and b"Traceback" not in err
        assert list(tmp_path.iterdir()) == []  # no report, and no temporary file

    @pytest.mark.parametrize(
        "entry",
        [
            "from actcheck.__main__ import main; main()",
            "import runpy; runpy.run_module('actcheck', run_name='__main__')",
        ],
    )
    def test_ctrl_c_while_actcheck_imports_is_130_not_a_traceback(self, entry):
        # the console script and python -m: a Ctrl-C while typer is still importing (before cli's own
        # handling exists) ends with 130 and nothing on stderr
        probe = (
            "import builtins, os, signal, sys\n"
            "sys.argv = ['actcheck', 'list']\n"
            "real = builtins.__import__\n"
            "def hook(name, *a, **k):\n"
            "    if name == 'typer':\n"
            "        os.kill(os.getpid(), signal.SIGINT)\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = hook\n"
            f"{entry}\n"
        )
        p = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        assert p.returncode == 130 and p.stderr == "" and p.stdout == "", (p.returncode, p.stderr)

    def test_no_color_wins_over_force_color(self):
        env = os.environ | {"FORCE_COLOR": "1", "NO_COLOR": "1"}
        p = subprocess.run([*ACT, *FAILING], capture_output=True, text=True, env=env)
        assert p.returncode == 1 and "FAIL" in p.stdout and "\x1b[" not in p.stdout  # not even bold

    def test_a_twenty_column_terminal_still_shows_every_verdict(self):
        from pty_run import run_on_pty

        env = os.environ | {"COLUMNS": "20", "LINES": "200", "NO_COLOR": "1"}
        env.pop("FORCE_COLOR", None)
        code, out = run_on_pty([*ACT, "all"], env, stderr=subprocess.PIPE, timeout=60)
        assert code == 0
        lines = out.splitlines()
        verdicts = [ln for ln in lines if ln.startswith(("PASS ", "FAIL ")) and "·" not in ln]
        assert {ln.split()[1] for ln in verdicts} == set(ACTIVATIONS)
        assert max(len(ln) for ln in lines) <= 20


# ---------------------------------------------------------------- issue 25: nothing left running


def _alive(pid):
    """A live process (not a zombie waiting to be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :].split()[0] != b"Z"


def _gone(pids, timeout=5.0):
    """The processes in ``pids`` still alive after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _wait_for(path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.path.exists(path) and open(path).read().endswith("\n"):
            return open(path).read().split()
        time.sleep(0.05)
    pytest.fail(f"{path} never written")


# the user's code starts a process at import (one in its own session too) and records the pids
_STARTS = """\
import os, subprocess, numpy as np
_P = [subprocess.Popen(["sleep", "600"]), subprocess.Popen(["sleep", "600"], start_new_session=True)]
def _record(name):
    with open(os.path.join(os.path.dirname(__file__), name), "w") as f:
        f.write(" ".join(str(p) for p in [os.getpid()] + [q.pid for q in _P]) + "\\n")
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
"""
_BUSY = {
    # asleep in Python, and inside one long C call that holds the GIL (no Python thread of the worker runs)
    "python": "import time; time.sleep(600)",
    "c-call": "import ctypes; ctypes.PyDLL(None).sleep(600)",
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc and prctl")
class TestNothingLeftRunning:
    @pytest.mark.parametrize(
        ("sig", "busy"),
        [
            (signal.SIGTERM, "python"),
            (signal.SIGHUP, "python"),
            (signal.SIGKILL, "python"),
            (signal.SIGTERM, "c-call"),
            (signal.SIGKILL, "c-call"),
        ],
        ids=["term", "hup", "kill", "term-in-c-call", "kill-in-c-call"],
    )
    def test_a_signal_to_verify_ends_every_process_the_code_started(self, tmp_path, sig, busy):
        f = tmp_path / "act.py"
        f.write_text(_STARTS + f"def sigmoid_prime(x):\n    _record('pids')\n    {_BUSY[busy]}\n")
        p = subprocess.Popen([*ACT, "verify", str(f)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        pids = [int(x) for x in _wait_for(tmp_path / "pids")]  # the worker, its two sleeps
        p.send_signal(sig)
        p.wait(30)
        assert _gone(pids) == [], "left running"
        assert b"Traceback" not in p.stderr.read()

    @pytest.mark.parametrize(
        ("when", "death"),
        [("import", "os._exit(3)"), ("import", "os.kill(os.getpid(), 9)"), ("backward", "os._exit(3)"),
         ("backward", "os.kill(os.getpid(), 9)")],
        ids=["exit-at-import", "sigkill-at-import", "exit-in-backward", "sigkill-in-backward"],
    )  # fmt: skip
    def test_a_worker_that_dies_leaves_nothing_it_started(self, tmp_path, when, death):
        body = f"_record('pids'); {death}"
        at_import = body if when == "import" else ""
        in_backward = body if when == "backward" else "pass"
        f = tmp_path / "act.py"
        f.write_text(_STARTS + f"def sigmoid_prime(x):\n    {in_backward}\n    return x\n{at_import}\n")
        p = subprocess.run([*ACT, "verify", str(f)], capture_output=True, text=True, timeout=120)
        assert p.returncode in (1, 2) and "Traceback" not in p.stderr, p.stderr
        assert _gone([int(x) for x in _wait_for(tmp_path / "pids")]) == []

    def test_a_thread_ending_the_process_while_actcheck_waits_for_it(self, tmp_path):
        f = tmp_path / "act.py"
        f.write_text(
            "import os, sys, threading, time, numpy as np\n"
            "def sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"
            "def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"
            # ends the process once the main thread waits for it (joins it), however long the checks took
            "def _late():\n    main = threading.main_thread().ident\n"
            "    while sys._current_frames()[main].f_code.co_name not in ('join', '_wait_for_tstate_lock'):\n"
            "        time.sleep(0.05)\n    os._exit(4)\n"
            "threading.Thread(target=_late).start()\n"
        )
        p = subprocess.run([*ACT, "verify", str(f)], capture_output=True, text=True, timeout=120)
        assert p.returncode == 0 and p.stderr == "", p.stderr
        assert "while actcheck waited for its threads to end" in p.stdout

    @pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
    def test_a_signal_during_accuracy_ends_its_pool_quietly(self, tmp_path, sig):
        err = tmp_path / "err"
        with open(err, "wb") as e:
            p = subprocess.Popen([*ACT, "accuracy", "all", "--dtype", "float32", "--jobs", "2"],
                                 stdout=subprocess.DEVNULL, stderr=e)  # fmt: skip
        deadline = time.monotonic() + 60
        pool = []
        while len(_workers(pool)) < 2 and time.monotonic() < deadline:  # the cluster's workers, at work
            pool = descendants(p.pid)
            time.sleep(0.1)
        time.sleep(1.0)  # the pool at work
        p.send_signal(sig)
        p.wait(30)
        assert _gone(pool) == []
        time.sleep(0.5)
        assert b"Traceback" not in err.read_bytes()


from actcheck.verification.reaping import descendants  # noqa: E402


def _children():
    from actcheck.verification.reaping import _parents

    return _parents()


def _workers(pids):
    """The Dask worker processes among ``pids`` (forked by the fork server: its command line, then a task's)."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                forkserver = b"forkserver" in f.read()
        except OSError:
            continue
        out += [pid] if forkserver and not kids else []
    return out


# ---------------------------------------------------------------- issue 25: no false pass


_SIGMOID = "import numpy as np\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n"


class TestNoFalsePass:
    @pytest.mark.parametrize(
        ("source", "passes"),
        [
            ("def tanh(x):\n    return np.tanh(x).astype(np.float32)\n"
             "def tanh_prime(x):\n    return 1 - np.tanh(x) ** 2 + 5e-6\n", False),
            ("def tanh(x):\n    return np.tanh(x).astype(np.float32)\n"
             "def tanh_prime(x):\n    return 1 - np.tanh(x) ** 2\n", True),
        ],
        ids=["float64-derivative-off", "float64-derivative-right"],
    )  # fmt: skip
    def test_each_side_is_judged_in_its_own_dtype(self, tmp_path, source, passes):
        f = tmp_path / "act.py"
        f.write_text("import numpy as np\n" + source)
        r = actcheck.verify(f)
        assert r.results[0].passed is passes, r.results[0].diagnosis
        assert any("derivative and vjp return float64: judged beside torch in float64" in n for n in r.results[0].notes)

    @pytest.mark.parametrize(
        "given",
        [np.longdouble("1e400"), [np.longdouble("-1e4000"), 1.0], np.array([np.longdouble("1e400")] * 3)],
        ids=["scalar", "in-a-list", "array"],
    )
    def test_a_longdouble_beyond_float64_is_refused(self, given):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # and no RuntimeWarning on the way
            with pytest.raises(InputError, match="beyond float64's range"):
                actcheck.check("sigmoid", given)

    @pytest.mark.parametrize("n", [1, 2, 3, 50])
    def test_a_derivative_wrong_only_on_short_arrays_fails(self, tmp_path, n):
        f = tmp_path / "act.py"
        f.write_text(
            _SIGMOID
            + f"def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s) * (1.5 if np.size(x) == {n} else 1)\n"
        )
        r = actcheck.verify(f)
        assert not r.results[0].passed

    def test_a_derivative_that_cannot_take_one_point_fails_saying_so(self, tmp_path):
        f = tmp_path / "act.py"
        f.write_text(_SIGMOID + "def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s) + 0 * x[1]\n")
        r = actcheck.verify(f)
        assert not r.results[0].passed and "on an array of 1 point" in " ".join(r.results[0].diagnosis)


# ---------------------------------------------------------------- issue 25: a report never destroys what `>` keeps


def _sh(command, cwd, **kw):
    return subprocess.run(["sh", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=120, **kw)


_AS_NOBODY = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
_NO_OVERRIDE = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
_ROOT_TOOLS = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or not os.path.exists("/usr/bin/setpriv"),
    reason="needs root and setpriv to act as another user",
)
_QUIET_JUNIT = " ".join([*ACT, "sigmoid", "1", "-q", "--junit"])


@pytest.fixture
def open_dir():
    """A directory another user can reach (pytest's own are 0700 below their root)."""
    import shutil
    import tempfile
    from pathlib import Path

    d = Path(tempfile.mkdtemp(prefix="actcheck-test-"))
    d.chmod(0o755)
    yield d
    for sub in d.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(d)


class TestReportsWhereTheShellWouldWrite:
    @pytest.mark.parametrize(
        "path", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"], ids=["dev-stdout", "proc-self-fd", "dev-fd"]
    )
    def test_a_descriptor_path_appends_where_the_shell_opened_it_for_append(self, tmp_path, path):
        p = _sh(f"echo HEADER > log; {_QUIET_JUNIT} {path} >> log", tmp_path)
        assert p.returncode == 0, p.stderr
        text = (tmp_path / "log").read_text()
        assert text.startswith("HEADER\n") and ET.fromstring(text[len("HEADER\n") :]).tag == "testsuites"

    def test_the_table_and_the_report_both_reach_a_redirected_stdout(self, tmp_path):
        p = _sh(" ".join([*ACT, "sigmoid", "1", "--junit", "/dev/stdout"]) + " > out.txt", tmp_path)
        text = (tmp_path / "out.txt").read_text()
        assert p.returncode == 0 and "<testsuites" in text and "PASS" in text.split("</testsuites>")[1]

    @pytest.mark.parametrize("path", ["/dev/stdout", "/dev/stderr"])
    def test_a_descriptor_path_to_a_pipe_works(self, path):
        p = subprocess.run([*ACT, "sigmoid", "1", "-q", "--junit", path], capture_output=True, text=True)
        assert p.returncode == 0 and "<testsuites" in (p.stdout if path.endswith("out") else p.stderr)

    @_ROOT_TOOLS
    @pytest.mark.parametrize("who", [_NO_OVERRIDE, _AS_NOBODY], ids=["root-without-override", "nobody"])
    def test_a_read_only_file_is_refused_as_the_shell_refuses_it(self, open_dir, who):
        tmp_path = open_dir
        tmp_path.chmod(0o777)
        (tmp_path / "r.xml").write_text("old")
        (tmp_path / "r.xml").chmod(0o444)
        p = subprocess.run([*who, *ACT, "sigmoid", "1", "-q", "--junit", "r.xml"], cwd=tmp_path, capture_output=True,
                           text=True)  # fmt: skip
        assert p.returncode == 2 and "Permission denied" in p.stderr
        assert (tmp_path / "r.xml").read_text() == "old"

    @_ROOT_TOOLS
    @pytest.mark.parametrize("dir_mode", [0o555, 0o1777], ids=["read-only-dir", "sticky-dir"])
    def test_a_writable_file_in_a_directory_we_cannot_rename_in_is_written_in_place(self, open_dir, dir_mode):
        tmp_path = open_dir
        d = tmp_path / "d"
        d.mkdir()
        (d / "r.xml").write_text("old")  # root's file, writable by all
        (d / "r.xml").chmod(0o666)
        d.chmod(dir_mode)
        p = subprocess.run([*_AS_NOBODY, *ACT, "sigmoid", "1", "-q", "--junit", "d/r.xml"], cwd=tmp_path,
                           capture_output=True, text=True)  # fmt: skip
        assert p.returncode == 0, p.stderr
        assert ET.parse(d / "r.xml").getroot().tag == "testsuites" and (d / "r.xml").stat().st_uid == 0
        assert [f.name for f in d.iterdir()] == ["r.xml"]  # no temporary file left

    def test_a_hard_linked_file_is_written_through_every_link(self, tmp_path):
        (tmp_path / "r.xml").write_text("old")
        os.link(tmp_path / "r.xml", tmp_path / "other.xml")
        write_atomic(tmp_path / "r.xml", "new")
        assert (tmp_path / "other.xml").read_text() == "new"

    @pytest.mark.parametrize(
        ("path", "message"),
        [
            ("r.xml/", "names a directory (it ends in /)"),
            ("dangling", "no such directory"),
            ("x" * 300 + ".xml", "File name too long"),
            ("/dev/fd/97", "names descriptor 97, which is not open"),
        ],
        ids=["trailing-slash", "dangling-link-into-nowhere", "too-long", "closed-descriptor"],
    )
    def test_a_path_that_cannot_be_written_is_refused_before_the_work(self, run, tmp_path, monkeypatch, path, message):
        monkeypatch.chdir(tmp_path)
        (tmp_path / "dangling").symlink_to(tmp_path / "missing" / "r.xml")
        monkeypatch.setattr("actcheck.engine.check", lambda *a, **k: pytest.fail("the work started"))
        _one_line_exit_two(run("sigmoid", "1", "-q", "--junit", path), message)
        assert sorted(f.name for f in tmp_path.iterdir()) == ["dangling"]

    def test_dev_tty_without_a_terminal_is_refused_before_the_work(self, tmp_path):
        p = subprocess.run([*ACT, "sigmoid", "1", "-q", "--junit", "/dev/tty"], capture_output=True, text=True,
                           start_new_session=True)  # fmt: skip
        assert p.returncode == 2 and "/dev/tty" in p.stderr and len(p.stderr.splitlines()) == 1

    @pytest.mark.parametrize(
        "args",
        [["sigmoid", "1", "-q", "--junit", "r.xml"], ["plot", "relu", "-o", "x.png"],
         ["accuracy", "relu", "--markdown", "a.md"]],
        ids=["junit", "plot", "markdown"],
    )  # fmt: skip
    def test_a_deleted_working_directory_is_one_line(self, tmp_path, args):
        gone = tmp_path / "gone"
        gone.mkdir()
        p = _sh("cd gone && rmdir ../gone && " + " ".join([*ACT, *args]), tmp_path)
        assert p.returncode == 2 and "the working directory no longer exists" in p.stderr, p.stderr
        assert len(p.stderr.splitlines()) == 1


# ---------------------------------------------------------------- issue 25: no traceback


def _notebook(path, *sources):
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": s} for s in sources
    ]
    path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}))
    return path


_PAIR = _SIGMOID + "def sigmoid_prime(x):\n    s = sigmoid(x)\n    return s * (1 - s)\n"


class TestNoTraceback:
    @pytest.mark.parametrize(
        ("source", "run_all", "note"),
        [
            ("def tanh(x, x):\n    return x\n", False, "duplicate argument 'x'"),
            ("def f(x):\n    await x\n", False, "'await' outside async function"),
            ("class C:\n    return 1\n", False, "'return' outside function"),
            ("await something()\n", True, "'await' outside function"),
            ("break\n", True, "'break' outside loop"),
            ("yield 1\n", True, "'yield' outside function"),
            (None, False, "its source is null"),
            (5, False, "its source is int"),
            ("x = '\ud800'\n", False, "surrogates not allowed"),
        ],
        ids=["duplicate-argument", "await-in-def", "return-in-class", "top-level-await", "break", "yield", "null",
             "integer", "lone-surrogate"],
    )  # fmt: skip
    def test_a_cell_that_does_not_compile_is_that_cells_note(self, tmp_path, source, run_all, note):
        nb = _notebook(tmp_path / "n.ipynb", _PAIR, source)
        r = actcheck.verify(nb, run_all=run_all)
        assert r.results[0].passed and any("cell 2" in n and note in n for n in r.notes), r.notes

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"x = " + b"-" * 100_000 + b"1\n", "nested too deeply for Python's compiler"),
            (b"x = " + b"(" * 100_000 + b")" * 100_000 + b"\n", "too many nested parentheses"),
            (b"# caf\xe9\n" + _PAIR.encode(), "a byte that is not UTF-8 (b'\\xe9') on line 1"),
        ],
        ids=["unary-minus", "brackets", "latin-1-without-coding-line"],
    )
    def test_a_file_python_cannot_compile_is_one_line(self, run, tmp_path, data, message):
        (tmp_path / "act.py").write_bytes(data)
        _one_line_exit_two(run("verify", tmp_path / "act.py"), message)

    def test_a_latin_1_file_with_its_coding_line_is_read(self, tmp_path):
        (tmp_path / "act.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + _PAIR.encode())
        assert actcheck.verify(tmp_path / "act.py").results[0].passed

    @pytest.mark.parametrize(
        "tail",
        [
            "import sys\nsys.setrecursionlimit(40)\n",
            "import sys\nsys.settrace(lambda f, e, a: 1 / 0 if 'actcheck' in f.f_code.co_filename else None)\n",
            "import sys\nsys.modules['numpy'] = None\n",
            "import sys\nsys.modules['actcheck'] = None\nsys.modules['json'] = None\n",
        ],
        ids=["recursion-limit-40", "settrace", "numpy-hidden", "actcheck-and-json-hidden"],
    )
    def test_the_worker_protects_itself_from_the_codes_global_state(self, tmp_path, tail):
        (tmp_path / "act.py").write_text(_PAIR + tail)
        assert actcheck.verify(tmp_path / "act.py").results[0].passed

    def test_a_metaclass_whose_attributes_raise_is_the_files_failure(self, run, tmp_path):
        (tmp_path / "act.py").write_text(
            _PAIR + "class M(type):\n    def __getattribute__(cls, n):\n        raise RuntimeError('no')\n"
            "class Q(metaclass=M):\n    pass\n"
        )
        _one_line_exit_two(run("verify", tmp_path / "act.py"), "raised while actcheck looked at what it defines")

    def test_garbage_on_the_reply_pipe_is_that_pairs_failure(self, tmp_path):
        (tmp_path / "act.py").write_text(
            _SIGMOID + "import os\ndef sigmoid_prime(x):\n    for fd in range(3, 64):\n        try:\n"
            "            if os.fstat(fd).st_mode & 0o170000 == 0o010000:\n"
            "                os.write(fd, b'garbage!garbage!garbage')\n"
            "        except OSError:\n            pass\n    s = sigmoid(x)\n    return s * (1 - s)\n"
        )
        (result,) = actcheck.verify(tmp_path / "act.py").results
        assert not result.passed and "wrote on actcheck's reply pipe" in result.diagnosis[0]

    @pytest.mark.parametrize(
        "args",
        [["plot", "relu", "-o", "x.png"], ["accuracy", "relu", "--dtype", "float16", "--plot", "a.png", "-q"]],
        ids=["plot", "accuracy"],
    )
    def test_a_bogus_mplbackend_does_not_matter_for_a_file(self, tmp_path, args):
        p = subprocess.run(
            [*ACT, *args], cwd=tmp_path, capture_output=True, text=True, env=os.environ | {"MPLBACKEND": "bogus"}
        )
        assert p.returncode == 0 and p.stderr == "", p.stderr

    @pytest.mark.parametrize(
        "args",
        [
            ["accuracy", "relu", "--dtype", "float32", "--exhaustive", "--range", "1", "16", "--jobs", "2", "-q"],
            ["verify", "{file}"],
        ],
        ids=["accuracy-jobs", "verify"],
    )
    def test_too_few_file_descriptors_is_one_line(self, tmp_path, args):
        import resource

        (tmp_path / "act.py").write_text(_PAIR)
        args = [a.format(file=tmp_path / "act.py") for a in args]
        p = subprocess.run([*ACT, *args], capture_output=True, text=True,
                           preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (10, 10)))  # fmt: skip
        assert p.returncode == 2 and "Too many open files" in p.stderr and len(p.stderr.splitlines()) == 1, p.stderr

    @_ROOT_TOOLS
    def test_install_completion_with_a_read_only_home_is_one_line(self, open_dir):
        open_dir.chmod(0o555)
        env = os.environ | {"HOME": str(open_dir), "SHELL": "/bin/bash"}
        cmd = [*_AS_NOBODY, *ACT, "--install-completion", "bash"]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        assert p.returncode == 74 and "cannot install completion: Permission denied" in p.stderr
        assert len(p.stderr.splitlines()) == 1

    @pytest.mark.parametrize(
        ("call", "message"),
        [
            (lambda: actcheck.check_pair(np.tanh, lambda x: 1 - np.tanh(x) ** 2, reference=5), "activation's name"),
            (lambda: actcheck.verify(__file__, params="alpha=1"), "params takes a mapping"),
        ],
        ids=["check-pair-reference-5", "verify-params-text"],
    )
    def test_wrong_types_in_the_api_are_input_errors(self, call, message):
        with pytest.raises(InputError, match=message):
            call()


# ---------------------------------------------------------------- issue 25: right answers, right codes


class TestRightAnswersRightCodes:
    def test_plot_glu_draws_on_an_even_grid(self, run, tmp_path):
        r = run("plot", "glu", "-o", tmp_path / "g.png")
        assert r.exit_code == 0, r.output
        assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["sigmoid", "١٢"], "not a number: '١٢'"),
            (["sigmoid", "1_000"], "not a number: '1_000'"),
            (["sigmoid", "1" * 5000], "not a number: '11111111111111111111111111111111111111…"),
            (["accuracy", "all", "all"], "'all' stands alone"),
            (["plot", "all", "relu", "-o", "p.png"], "'all' stands alone"),
        ],
        ids=["arabic-digits", "underscore", "a-huge-token-cut", "accuracy-all-all", "plot-all-and-a-name"],
    )
    def test_what_is_wrong_is_said_in_one_line(self, run, args, message):
        _one_line_exit_two(run(*args), message)

    @pytest.mark.parametrize(
        ("data", "message"),
        [(b"1_000\n", "line 1: not a number: '1_000'"), (b"\xd9\xa1\n", "not a number: '\u0661'")],
        ids=["underscore", "arabic-digit"],
    )
    def test_standard_input_takes_plain_ascii_numbers(self, data, message):
        p = subprocess.run([*ACT, "sigmoid", "-"], input=data, capture_output=True, timeout=60)
        assert p.returncode == 2 and message in p.stderr.decode() and len(p.stderr.splitlines()) == 1

    def test_an_endless_line_on_standard_input_is_refused_promptly(self):
        started = time.monotonic()
        with open("/dev/zero", "rb") as zero:
            p = subprocess.run([*ACT, "sigmoid", "-"], stdin=zero, capture_output=True, timeout=60)
        assert p.returncode == 2 and b"line 1 is longer than 1,048,576 characters" in p.stderr
        assert len(p.stderr) < 200 and time.monotonic() - started < 30

    def test_celu_with_the_smallest_alpha_is_settled_by_the_exact_value_at_zero(self):
        r = actcheck.check("celu", [-1.0, 0.0, 1.0], alpha=5e-324)
        assert r.passed, r.summary

    def test_glu_vjp_over_the_whole_float64_span_is_zero_not_nan(self, run):
        r = run("glu", "--linspace", "-1.7e308", "1.7e308", "10", "--json")
        assert r.exit_code == 0, r.stdout[-2000:]

    def test_finite_differences_of_glu_beside_1e308_judge_nothing_they_cannot_see(self):
        r = actcheck.check("glu", [1e308, -1e308, 710, -710], fd=True)
        assert r.comparisons["finite_difference"].ok.all()
        # the rest of that example: torch's forward mode is the one off there, settled by the exact JVP
        assert r.passed, r.failures()
        off = {(d["quantity"], d["x"]) for d in r.extras["torch_deviations"]}
        assert {("torch_forward_ad", -1e308), ("torch_forward_ad", 1e308)} <= off

    def test_a_vector_jvp_numpy_gets_wrong_still_fails_where_torch_is_right(self):
        from actcheck.registry import lookup

        glu = lookup("glu")
        right = glu.jvp
        object.__setattr__(glu, "jvp", lambda x, v: right(x, v) * (1 + 1e-6))  # a frozen record, slipped here only
        try:
            r = actcheck.check("glu", [0.5, -1.0, 2.0, 0.25])
        finally:
            object.__setattr__(glu, "jvp", right)
        assert not r.passed and "torch_forward_ad" in " ".join(r.failures())

    @pytest.mark.parametrize("name", ["softmax", "softmin", "log_softmax", "glu"])
    def test_the_vector_oracles_closed_form_agrees_with_differentiating(self, name):
        from actcheck.opinions.oracle import vector_exact
        from actcheck.registry import lookup

        act, rng = lookup(name), np.random.default_rng(1)
        x, g = rng.uniform(-5, 5, 6), rng.uniform(-2, 2, 6)
        closed, original = vector_exact(act, x, g, set(range(6)))[1], act.exact_vjp
        object.__setattr__(act, "exact_vjp", None)  # a frozen record: differentiated numerically, for once
        try:
            differentiated = vector_exact(act, x, g, set(range(6)))[1]
        finally:
            object.__setattr__(act, "exact_vjp", original)
        assert original is not None
        assert max(abs(float(c - d)) for c, d in zip(closed, differentiated, strict=True)) < 1e-60

    def test_the_oracle_on_softmax_over_the_float64_span_is_bounded(self):
        started = time.monotonic()
        r = actcheck.check("softmax", grids.linspace(-1e308, 1e308, 100), oracle=True)
        assert r.passed and time.monotonic() - started < 30  # it took minutes differentiating at 600 digits

    def test_a_derivative_that_prints_beyond_the_file_limit_is_cut_not_failed(self, tmp_path):
        (tmp_path / "act.py").write_text(
            _SIGMOID + "def sigmoid_prime(x):\n    for _ in range(65):\n        print('x' * (1 << 20))\n"
            "    s = sigmoid(x)\n    return s * (1 - s)\n"
        )
        (result,) = actcheck.verify(tmp_path / "act.py").results
        assert result.passed and any(n.startswith("printed: 'xxx") for n in result.notes), result.diagnosis

    @pytest.mark.parametrize(
        "tail",
        ["sigmoid_prime.__wrapped__ = sigmoid_prime\n", "sigmoid_prime.__signature__ = 5\n"],
        ids=["wrapped-loop", "bogus-signature"],
    )
    def test_a_signature_python_cannot_read_is_read_from_the_code(self, tmp_path, tail):
        (tmp_path / "act.py").write_text(_PAIR + tail)
        (result,) = actcheck.verify(tmp_path / "act.py").results
        assert result.passed


def test_a_docstring_python_drops_under_optimize_2_is_read_from_the_source(tmp_path):
    f = tmp_path / "doc_output.py"
    f.write_text(
        "import numpy as np\n\n\ndef sigmoid(x):\n    return 1 / (1 + np.exp(-x))\n\n\n"
        "def sigmoid_prime(z):\n"
        '    """Derivative of the sigmoid, where z = sigmoid(x) is what the forward returned."""\n'
        "    return z * (1 - z)\n"
    )
    env = os.environ | {"PYTHONOPTIMIZE": "2"}
    p = subprocess.run([*ACT, "verify", str(f), "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr
    [pair] = json.loads(p.stdout)["results"]
    assert pair["style"] == "output" and pair["passed"]
