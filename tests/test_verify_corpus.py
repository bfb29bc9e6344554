"""`actcheck verify` over a corpus of user files in every shape people write, judged as its manifest says.

tests/data/verify/manifest.json says, for each run, the exit status and every pair: its
convention, verdict, torch activation and parameters, and a phrase its diagnosis, notes or
skip reason must hold (CORPUS.md describes the files; the corpus's own selfcheck proved
each claim independently of actcheck, against torch). Runs go through the CLI with --json,
so stdout must be strict JSON every time.
"""

import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "verify"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["files"]


def _strict(text):
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))


def _has(text, alternatives):
    return any(a.lower() in text.lower() for a in alternatives)


def _base(name):
    return re.sub(r" \((cell|forward cell).*\)$", "", name)


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda e: " ".join([e["file"], *e.get("args", [])]))
def test_each_file_is_judged_as_the_manifest_says(run, entry):
    r = run("verify", CORPUS / entry["file"], *entry.get("args", []), "--json")
    assert r.exit_code == entry["exit"], (r.exit_code, r.stderr, r.stdout[-2000:])
    if entry["exit"] == 2:
        assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert _has(r.stderr, entry.get("stderr_contains", [""])), r.stderr
        assert all(s.lower() in r.stderr.lower() for s in entry.get("stderr_contains_all", [])), r.stderr
        return
    report = _strict(r.stdout)
    results = {_base(p["name"]): p for p in report["results"]}
    skipped = {s["name"]: s["reason"] for s in report["skipped"]}
    for want in entry["pairs"]:
        name = want["name"]
        if want["verdict"] == "skipped":
            assert name in skipped and _has(skipped[name], want.get("reason_contains", [""])), (name, skipped)
            continue
        got = results[name]
        assert got["passed"] is (want["verdict"] == "pass"), (name, got["diagnosis"])
        assert got["style"] == want["convention"] and got["activation"] == want["activation"], (name, got)
        for k, v in (want.get("params") or {}).items():
            assert got["params"][k] == pytest.approx(v) if not isinstance(v, str) else got["params"][k] == v, (name, k)
        diagnosis = " | ".join(got["diagnosis"])
        assert _has(diagnosis, want.get("diagnosis_contains", [""])), (name, diagnosis)
        assert all(s.lower() in diagnosis.lower() for s in want.get("diagnosis_contains_all", [])), (name, diagnosis)
        if want.get("diagnosis_single_line"):
            assert all("\n" not in d for d in got["diagnosis"])
        assert _has(" | ".join(got["notes"]), want.get("note_contains", [""])), (name, got["notes"])
        for where, cell in want.get("cell_numbers", {}).items():
            assert f"cell {cell}" in got["name"] and got["cells"][where] == cell, (name, got["name"])
    assert set(results) == {w["name"] for w in entry["pairs"] if w["verdict"] != "skipped"}, "a pair the file lacks"
    assert not set(results) & set(entry.get("must_not_pass_or_fail", []))
