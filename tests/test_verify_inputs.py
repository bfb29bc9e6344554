"""What verify is given: paths that are not files, values that are not numbers, text that is not printable."""

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

import actcheck
from actcheck.errors import InputError

DATA = Path(__file__).parent / "data"
VERIFY = DATA / "verify"


@pytest.mark.parametrize("source", [None, b"tests/data/seed_acts.py", 3, ["a.py"]])
def test_what_is_neither_a_path_nor_a_namespace_is_an_input_error(source):
    with pytest.raises(InputError, match="verify takes a path"):
        actcheck.verify(source)


@pytest.mark.parametrize(
    ("path", "says"),
    [("/dev/null", "is not a regular file"), (str(DATA), "is a directory"), ("missing.py", "no such file")],
)
def test_a_path_that_is_not_a_file_says_what_it_is(run, path, says):
    r = run("verify", path)
    assert r.exit_code == 2 and r.stdout == "" and says in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["big", float("nan"), float("inf"), 10**400, True])
def test_parameters_must_be_finite_numbers(value):
    with pytest.raises(InputError, match="alpha must be a finite number"):
        actcheck.verify(DATA / "seed_acts.py", {"alpha": value})


def test_huge_and_infinite_defaults_give_strict_json_and_no_overflow_in_actcheck(run):
    r = run("verify", VERIFY / "huge_defaults.py", "--json")
    assert r.exit_code == 1, r.stderr
    report = json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"JSON constant {c}"))
    by_name = {p["name"]: p for p in report["results"]}
    assert by_name["leaky_relu"]["params"] == {"negative_slope": "inf"}  # 10**400 as JSON can say it
    assert "OverflowError" in by_name["leaky_relu"]["diagnosis"][0]  # the user's code overflows, not actcheck
    assert by_name["hardtanh"]["passed"] and by_name["hardtanh"]["params"] == {"min_val": "-inf", "max_val": "inf"}


def test_control_characters_from_the_code_never_reach_the_terminal_or_break_junit(run, tmp_path):
    xml = tmp_path / "v.xml"
    r = run("verify", VERIFY / "hostile_text.py", "--junit", xml)
    assert r.exit_code == 1
    assert not any(c in r.stdout for c in "\x1b\x00\x07"), repr(r.stdout)
    assert "bad\\x1b[31m\\x00\\x07 red second line" in r.stdout.replace("\n", " ").replace("│", "")
    failure = ET.parse(xml).getroot().find("testsuite/testcase/failure")  # parses
    assert failure.get("message").startswith("your code raised ValueError: bad\\x1b[31m")


def test_a_files_name_with_control_characters_is_shown_escaped(run):
    r = run("verify", "missing\x1b[31m.py")
    assert r.exit_code == 2 and "no such file: missing\\x1b[31m.py" in r.stderr and "\x1b" not in r.stderr
