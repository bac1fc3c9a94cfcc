"""paper/numbers.json and numbers.tex: every number the paper cites, with where it came from."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def release(demo_runs):
    return demo_runs[0] / "demo-results" / "demo"


@pytest.mark.slow
def test_every_number_is_the_cell_it_names(release):
    doc = json.loads((release / "paper" / "numbers.json").read_text(encoding="utf-8"))
    assert doc["release"] == "demo" and len(doc["numbers"]) > 20
    tables = {}
    for n in doc["numbers"]:
        assert set(n) == {"name", "value", "formatted", "unit", "table", "key", "column", "coverage"}, n
        t = tables.setdefault(n["table"], pd.read_parquet(release / f"{n['table']}.parquet"))
        hit = t
        for k, v in n["key"].items():
            hit = hit[hit[k] == v]
        assert len(hit) == 1, n
        if n["unit"] in ("year", "nationality"):
            continue  # a fact read off the row (its key names it)
        assert hit[n["column"]].iloc[0] == pytest.approx(n["value"]), n
    cm16 = next(n for n in doc["numbers"] if n["name"] == "detections.central_mediterranean.2016")
    assert cm16["formatted"] == "7,440" and cm16["unit"] == "detections"


@pytest.mark.slow
def test_the_tex_file_defines_one_macro_per_number_and_escapes_text(release):
    doc = json.loads((release / "paper" / "numbers.json").read_text(encoding="utf-8"))
    tex = (release / "paper" / "numbers.tex").read_text(encoding="utf-8")
    defined = re.findall(r"\\csname mrnum@([^\\]+)\\endcsname\{", tex)
    assert sorted(defined) == sorted(n["name"] for n in doc["numbers"])
    share = next(n for n in doc["numbers"] if n["unit"] == "share of detections")
    assert f"mrnum@{share['name']}\\endcsname{{{share['formatted'].replace('%', chr(92) + '%')}}}" in tex


@pytest.mark.slow
def test_the_example_document_builds_or_says_it_is_skipped(release, tmp_path):
    res = subprocess.run(["bash", str(REPO / "paper" / "build.sh"), str(release)], capture_output=True, text=True)
    if shutil.which("pdflatex") is None:
        assert res.returncode == 0 and res.stdout.startswith("paper: skipped: pdflatex not found"), res
        return
    assert res.returncode == 0, res.stdout + res.stderr
    assert (REPO / "paper" / "build" / "example.pdf").stat().st_size > 10_000
